'use server';
/**
 * Server Actions for `<form action>`: sign in (back to a page of the app), and sign out.
 */
import { logto } from '../logto';

/** Starts a sign-in; the form's `returnTo` field (a path of this app) is where it ends. */
export async function signInAction(form: FormData): Promise<void> {
  const returnTo = form.get('returnTo');
  await logto.signIn(typeof returnTo === 'string' ? { returnTo } : {});
}

/** Signs out here and at Logto. */
export async function signOutAction(): Promise<void> {
  await logto.signOut();
}
