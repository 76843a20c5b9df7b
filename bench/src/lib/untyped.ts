/**
 * Loads a peer package without letting TypeScript read its declarations: @logto/express augments
 * `http.IncomingMessage.session` globally (it conflicts with express-session's types), and the
 * bench must not change the types the rest of the project is checked with. Callers describe the
 * few members they use.
 *
 * @module
 */

/** `import(specifier)` typed as `T` by the caller. */
export async function importUntyped<T>(specifier: string): Promise<T> {
  return (await import(specifier)) as T;
}
