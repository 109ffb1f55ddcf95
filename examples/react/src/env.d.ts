// Vite bundles imported CSS files.
declare module "*.css";
