// The API's global ids, built and read the one way the server does (src/graphql/global-id.ts uses
// Pothos's encodeGlobalID: base64 of `Typename:id`), so no test hand-builds base64.

/** The global id the API gives an object. */
export const globalId = (typename: string, id: string) =>
  Buffer.from(`${typename}:${id}`).toString('base64');

/** The database id inside a global id (what fixtures and Prisma work with). */
export function rawId(global: string): string {
  const [, id] = Buffer.from(global, 'base64').toString().split(':');
  if (!id) throw new Error(`not a global id: ${global}`);
  return id;
}
