// The SDK's types, held to the Engine API's swagger so that they cannot
// drift. Each top-level type names its request or response with a TSDoc
// `@schema` tag (`GET /containers/{id}/json 200`, `… items`, `POST … body`);
// the TypeScript compiler reads every field of it, nested types included,
// and each must be in the swagger with the same JSON type. A field newer
// than the swagger read here says so with `@since 1.NN`, and then must
// indeed be absent from it — so the tag cannot lie either.
//
// The swagger is moby's api/swagger.yaml as Debian ships it (API 1.41;
// scripts/setup.sh takes it out of golang-github-docker-docker-dev).
// SKIFF_ENGINE_API_SPEC adds more (colon-separated), e.g. a v1.50 one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { parseDocument } from 'yaml';

const root = resolve(import.meta.dirname, '../..');
const TYPE_FILES = ['containers', 'images', 'system', 'networks', 'volumes'].map((f) => join(root, `chapters/04-client/sdk/types/${f}.ts`));
const DEFAULT_SPEC = join(root, 'node_modules/.cache/skiff/engine-api-swagger.yaml');
const specs = [DEFAULT_SPEC, ...(process.env.SKIFF_ENGINE_API_SPEC ?? '').split(':').filter(Boolean)];

type Schema = {
  $ref?: string; type?: string; properties?: Record<string, Schema>; items?: Schema;
  additionalProperties?: Schema | boolean; allOf?: Schema[];
};
interface Spec {
  info: { version: string };
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, { parameters?: { in: string; schema?: Schema }[]; responses: Record<string, { schema?: Schema }> }>>;
}

/**
 * Mistakes of Debian's 20.10 copy of the 1.41 swagger that moby has since
 * corrected in its docs/api/v1.41.yaml: what the daemon sends is what the
 * corrected text says. Each must still be met, or it is stale and fails.
 */
const ERRATA_1_41: Record<string, string> = {
  'ContainerSummary.Mounts[]': 'typed as Mount (the request shape) instead of MountPoint',
  'ImageInspect.Variant': 'missing from ImageInspect',
  'SystemDataUsage.Containers[]': 'an array of arrays instead of an array of ContainerSummary',
  'EventMessage.scope': 'missing from the inline event schema',
};

const older = (a: string, b: string) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  return x![0]! < y![0]! || (x![0] === y![0] && x![1]! < y![1]!);
};

/** A schema with its $ref followed and its allOf merged. */
function resolveSchema(spec: Spec, schema: Schema | undefined): Schema | undefined {
  if (!schema) return undefined;
  if (schema.$ref) return resolveSchema(spec, spec.definitions[schema.$ref.split('/').pop()!]);
  if (schema.allOf) {
    const parts = schema.allOf.map((s) => resolveSchema(spec, s)!);
    return { type: 'object', properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), schema.properties ?? {}) };
  }
  return schema;
}

/** `GET /containers/{id}/json 200 [items]` or `POST /containers/create body`. */
function schemaAt(spec: Spec, where: string): Schema | undefined {
  const [method, path, status, items] = where.split(' ');
  const operation = spec.paths[path!]?.[method!.toLowerCase()];
  if (!operation) return undefined;
  const schema = status === 'body' ? operation.parameters?.find((p) => p.in === 'body')?.schema : operation.responses[status!]?.schema;
  const resolved = resolveSchema(spec, schema);
  return items === 'items' ? resolveSchema(spec, resolved?.items) : resolved;
}

const jsonKind = (schema: Schema): string | undefined =>
  schema.type === 'integer' || schema.type === 'number' ? 'number'
  : schema.type ?? (schema.properties || schema.additionalProperties ? 'object' : undefined);

const program = ts.createProgram(TYPE_FILES, { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
const checker = program.getTypeChecker();

/** The JSON kind of a TypeScript type, without null and undefined. */
function tsKind(type: ts.Type): { kind: string; type: ts.Type } {
  const parts = (type.isUnion() ? type.types : [type]).filter((t) => !(t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined)));
  const one = parts[0]!;
  if (parts.every((t) => t.flags & ts.TypeFlags.StringLike)) return { kind: 'string', type: one };
  if (parts.every((t) => t.flags & ts.TypeFlags.NumberLike)) return { kind: 'number', type: one };
  if (parts.every((t) => t.flags & ts.TypeFlags.BooleanLike)) return { kind: 'boolean', type: one };
  if (checker.isArrayType(one)) return { kind: 'array', type: one };
  return { kind: 'object', type: one };
}

const sinceOf = (symbol: ts.Symbol): string | undefined =>
  symbol.getJsDocTags(checker).find((t) => t.name === 'since')?.text?.map((p) => p.text).join('').trim();

/** Every mismatch between a TypeScript type and a schema, as `Type.Field: problem`. */
function mismatches(spec: Spec, type: ts.Type, schema: Schema, where: string): string[] {
  const problems: string[] = [];
  const { kind, type: inner } = tsKind(type);
  const expected = jsonKind(schema);
  if (expected && expected !== kind) return [`${where}: the swagger says ${expected}, the type says ${kind}`];
  if (kind === 'array' && schema.items) {
    return mismatches(spec, checker.getTypeArguments(inner as ts.TypeReference)[0]!, resolveSchema(spec, schema.items)!, `${where}[]`);
  }
  if (kind !== 'object') return problems;
  const index = inner.getStringIndexType();
  if (index && typeof schema.additionalProperties === 'object') {
    return mismatches(spec, index, resolveSchema(spec, schema.additionalProperties)!, `${where}{}`);
  }
  for (const property of inner.getProperties()) {
    const name = property.getName();
    const since = sinceOf(property);
    const field = resolveSchema(spec, schema.properties?.[name]);
    if (since && older(spec.info.version, since)) {
      if (field) problems.push(`${where}.${name}: marked @since ${since}, but API ${spec.info.version} has it`);
      continue;
    }
    if (!field) {
      if (schema.properties) problems.push(`${where}.${name}: not in the swagger (API ${spec.info.version})`);
      continue;
    }
    problems.push(...mismatches(spec, checker.getTypeOfSymbol(property), field, `${where}.${name}`));
  }
  return problems;
}

/** Every exported interface with a @schema tag, and the tag's text. */
function taggedTypes(): { name: string; where: string; type: ts.Type }[] {
  const found: { name: string; where: string; type: ts.Type }[] = [];
  for (const file of TYPE_FILES) {
    const source = program.getSourceFile(file)!;
    ts.forEachChild(source, (node) => {
      if (!ts.isInterfaceDeclaration(node)) return;
      const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === 'schema');
      if (!tag) return;
      found.push({ name: node.name.text, where: ts.getTextOfJSDocComment(tag.comment)!.trim(), type: checker.getTypeAtLocation(node.name) });
    });
  }
  return found;
}

describe('the SDK types against the Engine API swagger', () => {
  const types = taggedTypes();
  it('every @schema type is found', () => {
    assert.ok(types.length >= 20, `only ${types.length} types carry a @schema tag`);
  });
  for (const file of specs) {
    it(`match ${file.replace(root + '/', '')}`, () => {
      assert.ok(existsSync(file), `${file} is missing: scripts/setup.sh extracts it from Debian's golang-github-docker-docker-dev`);
      // Debian's 1.41 copy has one description, SecurityOpt's, whose quoted
      // text goes on at its key's indentation: YAML 1.2 parsers refuse that
      // line (PyYAML reads it). The parser reports it and reads on; the test
      // accepts that one known flaw, in a field the SDK does not type, and
      // no other.
      const document = parseDocument(readFileSync(file, 'utf8'));
      const errors = document.errors.map((e) => e.code);
      assert.ok(errors.every((code) => code === 'MISSING_CHAR' || code === 'MULTILINE_IMPLICIT_KEY') && errors.length <= 2, `the swagger does not parse: ${errors.join(', ')}`);
      const spec = document.toJS() as Spec;
      const problems: string[] = [];
      for (const { name, where, type } of types) {
        const schema = schemaAt(spec, where);
        if (!schema) problems.push(`${name}: no "${where}" in API ${spec.info.version}`);
        else problems.push(...mismatches(spec, type, schema, name));
      }
      let remaining = problems;
      if (spec.info.version === '1.41' && file === DEFAULT_SPEC) {
        const errata = Object.keys(ERRATA_1_41);
        remaining = problems.filter((p) => !errata.some((e) => p.startsWith(`${e}.`) || p.startsWith(`${e}:`)));
        const unmet = errata.filter((e) => !problems.some((p) => p.startsWith(`${e}.`) || p.startsWith(`${e}:`)));
        assert.deepEqual(unmet, [], 'errata that no longer apply');
      }
      assert.deepEqual(remaining, [], `the types drifted from API ${spec.info.version}`);
    });
  }
});
