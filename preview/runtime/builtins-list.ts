// The built-in components the preview implements (runtime/builtins.ts). The build fails when a template uses
// another one, instead of rendering it as a bare element.
export const IMPLEMENTED_BUILTINS: readonly string[] = [
  'view',
  'text',
  'button',
  'input',
  'textarea',
  'image',
  'picker',
  'switch',
  'progress',
  'navigator',
  'icon',
  'scroll-view',
  'canvas',
]
