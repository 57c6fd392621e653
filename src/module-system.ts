/**
 * Which module system loaded cachekit in this process. The package has one copy of its code
 * (dist/*.cjs); `import 'cachekit'` goes through an ES module face (dist/index.mjs, written by
 * scripts/esm-entries.mjs) that reports itself here with its `import.meta.resolve`. Code that
 * must pick between a dependency's ES module and CommonJS copies (apache-arrow's Tables) asks
 * this module. Internal: the faces import it by path; it is not in the package exports.
 *
 * Sources run by the tests (no build) are never loaded through the face, so they count as
 * CommonJS.
 */

/** Resolves a specifier as an ES module `import` from the package would. */
export type ImportResolver = (specifier: string) => string;

let importResolver: ImportResolver | undefined;

/** Called by the ES module face: the app imports cachekit, so it is (at least partly) an ES module app. */
export function noteLoadedThroughImport(resolve: ImportResolver): void {
  importResolver ??= resolve;
}

/**
 * The resolver of the ES module face when the process imported cachekit, else `undefined`
 * (only `require` loaded it).
 */
export function esmImportResolver(): ImportResolver | undefined {
  return importResolver;
}
