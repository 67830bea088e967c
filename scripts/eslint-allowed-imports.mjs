// ESLint rule `local/allowed-imports`: each folder lists what it may import (other folders of this repository,
// packages, Node's built-ins); anything else is an error naming the folder's rule. An allow-list, not a deny-list:
// a new dependency across the lines of architecture.md has to be written here first, where a reviewer sees it.
import path from 'node:path';
import { builtinModules } from 'node:module';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** The package an import names ('@scope/name/x' -> '@scope/name', 'name/x' -> 'name'). */
function packageOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export const allowedImportsRule = {
  meta: {
    type: 'problem',
    docs: { description: 'each folder imports only what its allow-list names' },
    schema: [{ type: 'object', additionalProperties: true }],
  },
  create(context) {
    const { root, folders } = context.options[0];
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const isTest = /\.(test|spec)\.tsx?$/.test(file) || file.includes('/test-support/');
    const folder = Object.keys(folders)
      .filter((f) => file.startsWith(`${f}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (!folder) return {};
    const allow = folders[folder];
    const dirs = [folder, ...(allow.folders ?? []), ...(isTest ? (allow.testFolders ?? []) : [])];
    const packages = new Set([...(allow.packages ?? []), ...(isTest ? (allow.testPackages ?? []) : [])]);
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
        if (dirs.some((d) => target === d || target.startsWith(`${d}/`))) return;
        context.report({ node, message: `${folder}/ may not import ${target} (it may import ${dirs.join(', ')}); see eslint.config.js and docs/architecture` });
        return;
      }
      if (BUILTINS.has(spec) || BUILTINS.has(spec.split('/')[0])) {
        if (allow.node) return;
        context.report({ node, message: `${folder}/ may not use Node's built-in ${spec}: ${allow.why ?? 'it does not run on Node'}` });
        return;
      }
      const pkg = packageOf(spec);
      if (packages.has(pkg)) return;
      context.report({
        node,
        message: `${folder}/ may not import the package ${pkg}${isTest ? ' (not even in a test)' : ''}: add it to ${folder}'s allow-list in eslint.config.js if it belongs there`,
      });
    };
    return {
      ImportDeclaration: (n) => check(n.source, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n.source, n.source.value),
      ExportAllDeclaration: (n) => check(n.source, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n.source, n.source.value),
    };
  },
};
