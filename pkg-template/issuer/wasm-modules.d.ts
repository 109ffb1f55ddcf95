// The .wasm imports of the runtime entries: a compiled WebAssembly.Module (workerd, Wrangler and
// Vercel Edge import it so; compiling at run time is not allowed there). Not shipped.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}
