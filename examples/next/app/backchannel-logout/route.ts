import { logto } from '../../logto';

/** The auth routes: one handler, served at /sign-in, /callback, /sign-out and /backchannel-logout. */
export const { GET, POST } = logto.handlers;
