/**
 * Checks answers against the server's own OpenAPI document: the response schema of the path,
 * method and status, with JSON Schema 2020-12 (OpenAPI 3.1's dialect). With the server's plain
 * serialiser, an undeclared field fails here instead of being dropped silently.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; in: string; schema?: unknown; required?: boolean }[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }>; requestBody?: unknown; security?: unknown[] }>>;
  components: { schemas: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

const templates = (doc: OpenApiDocument) =>
  Object.keys(doc.paths)
    .map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`), params: (path.match(/\{/g) ?? []).length }))
    .sort((a, b) => a.params - b.params);

export function openApiChecker(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  ajv.addSchema({ $id: 'https://crosslink.invalid/openapi.json', components: doc.components });
  const compiled = new Map<string, ValidateFunction>();
  const paths = templates(doc);

  /** The documented path of a URL (the most specific template that matches). */
  const pathOf = (url: string) => paths.find((candidate) => candidate.pattern.test(url.split('?')[0]!))?.path;

  return {
    pathOf,
    /** Throws with the validation errors when `body` is not what the document says `method url` answers with `status`. */
    check(method: string, url: string, status: number, contentType: string, body: unknown): void {
      const path = pathOf(url);
      if (!path) throw new Error(`${method} ${url}: no such path in the OpenAPI document`);
      const operation = doc.paths[path]![method.toLowerCase()];
      if (!operation) throw new Error(`${method} ${path}: not in the OpenAPI document`);
      const response = operation.responses[String(status)];
      if (!response) throw new Error(`${method} ${path}: status ${status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
      if (status === 204) return;
      const type = contentType.split(';')[0]!.trim();
      const content = response.content?.[type];
      if (!content) throw new Error(`${method} ${path} ${status}: content type ${type} is not documented (documented: ${Object.keys(response.content ?? {}).join(', ')})`);
      if (!type.includes('json')) return;
      const key = `${method} ${path} ${status} ${type}`;
      let validate = compiled.get(key);
      if (!validate) {
        const schema = JSON.parse(JSON.stringify(content.schema).replaceAll('"#/components/', '"https://crosslink.invalid/openapi.json#/components/'));
        validate = ajv.compile(schema);
        compiled.set(key, validate);
      }
      if (!validate(body)) throw new Error(`${key}: the answer does not match the document: ${ajv.errorsText(validate.errors, { separator: '\n  ' })}\n${JSON.stringify(body).slice(0, 500)}`);
    },
  };
}
