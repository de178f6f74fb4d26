/**
 * Node's own arguments for the api and the worker as `npm start` runs them, and as the benches run
 * them so that they measure the desk as it is run: stack traces that point at the TypeScript source.
 */
export const APP_NODE_ARGS: readonly string[] = ['--enable-source-maps'];
