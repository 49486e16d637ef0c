import type { SearchNode, SearchPath } from './ast.js';

/** Every field path a search names, in the order written (repeats kept). */
export function searchPaths(node: SearchNode): SearchPath[] {
  switch (node.type) {
    case 'all':
      return [];
    case 'and':
    case 'or':
      return node.operands.flatMap(searchPaths);
    case 'not':
      return searchPaths(node.operand);
    default:
      return [node.path];
  }
}
