// The one-way import rule (docs/ARCHITECTURE.md, "The parts"), decided on the path an import resolves to rather
// than on how it is spelled: `../../native/x.js` from main/core/a/b.ts and `import('../native/x.js')` are caught
// however deep the importing file sits.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BUILTINS = new Set(builtinModules);

/** The repository path (with forward slashes) a relative or absolute specifier points at; undefined for a package. */
function resolvedInRepo(specifier, fromFile) {
  if (!specifier.startsWith('.') && !path.isAbsolute(specifier)) return undefined;
  const target = path.resolve(path.dirname(fromFile), specifier);
  return path.relative(ROOT, target).split(path.sep).join('/');
}

function packageName(specifier) {
  if (specifier.startsWith('node:')) return 'node:';
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const under = (file, prefix) => file === prefix || file.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`) || file.replace(/\.(js|ts|tsx|mjs|cjs)$/, '') === prefix.replace(/\.(js|ts|tsx|mjs|cjs)$/, '');

/**
 * Options: `forbid`: repository folders or files (e.g. `native`, `main/electron`) the files may not reach;
 * `allow`: exceptions inside them; `typesOnly`: folders or files they may reach with `import type` only;
 * `packages`: package names they may not import (`node:` stands for every Node built-in); `message`: why.
 */
export const importDirectionRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the one-way direction between main/core, native/, the shells, the contract and the renderer.' },
    schema: [{
      type: 'object',
      properties: {
        forbid: { type: 'array', items: { type: 'string' } },
        allow: { type: 'array', items: { type: 'string' } },
        typesOnly: { type: 'array', items: { type: 'string' } },
        packages: { type: 'array', items: { type: 'string' } },
        message: { type: 'string' },
      },
      additionalProperties: false,
    }],
  },
  create(context) {
    const { forbid = [], allow = [], typesOnly = [], packages = [], message = '' } = context.options[0] ?? {};
    const file = context.filename;

    function check(node, specifier, typeOnly) {
      const target = resolvedInRepo(specifier, file);
      if (target !== undefined) {
        if (allow.some((p) => under(target, p))) return;
        if (forbid.some((p) => under(target, p))) {
          context.report({ node, message: `'${specifier}' reaches ${target}. ${message}` });
          return;
        }
        if (!typeOnly && typesOnly.some((p) => under(target, p))) context.report({ node, message: `'${specifier}' may be imported for its types only (import type). ${message}` });
        return;
      }
      const name = packageName(specifier);
      const builtin = name === 'node:' || BUILTINS.has(name);
      if (packages.includes(name) || (builtin && packages.includes('node:'))) context.report({ node, message: `'${specifier}' may not be imported here. ${message}` });
    }

    function checkSource(node, source, typeOnly) {
      if (source && source.type === 'Literal' && typeof source.value === 'string') check(node, source.value, typeOnly);
      else if (source && source.type === 'TemplateLiteral' && source.expressions.length === 0) check(node, source.quasis[0].value.cooked, typeOnly);
      else context.report({ node, message: `An import whose module is computed cannot be checked: name the module as a string. ${message}` });
    }

    const allTypes = (node) => node.importKind === 'type' || node.exportKind === 'type' || (node.specifiers?.length > 0 && node.specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => checkSource(node, node.source, allTypes(node)),
      ExportNamedDeclaration: (node) => node.source && checkSource(node, node.source, allTypes(node)),
      ExportAllDeclaration: (node) => checkSource(node, node.source, node.exportKind === 'type'),
      ImportExpression: (node) => checkSource(node, node.source, false),
      TSImportType: (node) => {
        const literal = node.argument?.literal ?? node.argument;
        if (literal?.type === 'Literal' && typeof literal.value === 'string') check(node, literal.value, true);
      },
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) checkSource(node, node.arguments[0], false);
      },
    };
  },
};
