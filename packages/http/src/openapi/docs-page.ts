import type { JsonObject, OpenApiDocument, OpenApiOperation } from './openapi-document.js';

/**
 * The human-readable API reference served at `GET /api/docs`: the OpenAPI document rendered as one
 * self-contained HTML page (no script, no external resource), endpoints grouped by tag, then every
 * schema.
 */
export function renderDocsPage(document: OpenApiDocument): string {
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
  );
  const tags = [...new Set(operations.flatMap(({ operation }) => operation.tags))];
  const navigation = tags
    .map(
      (tag) =>
        `<li>${escape(tag)}<ul>${operations
          .filter(({ operation }) => operation.tags.includes(tag))
          .map(({ path, method, operation }) => `<li><a href="#${operation.operationId}"><span class="m ${method}">${method}</span> ${escape(path)}</a></li>`)
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map(
      (tag) =>
        `<h2>${escape(tag)}</h2>${operations
          .filter(({ operation }) => operation.tags.includes(tag))
          .map(({ path, method, operation }) => renderOperation(path, method, operation))
          .join('')}`,
    )
    .join('');
  const schemas = Object.entries(document.components.schemas)
    .map(
      ([name, schema]) =>
        `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3>${typeof schema['description'] === 'string' ? `<p>${inline(schema['description'])}</p>` : ''}${schemaOutline(schema)}<details><summary>JSON Schema</summary><pre>${escape(JSON.stringify(schema, null, 2))}</pre></details></section>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} reference</title>
<style>${style}</style>
</head>
<body>
<nav><strong>${escape(document.info.title)}</strong><ul>${navigation}<li><a href="#schemas">Schemas</a></li></ul><p><a href="openapi.json">openapi.json</a></p></nav>
<main>
<h1>${escape(document.info.title)} <small>${escape(document.info.version)}</small></h1>
<p>${inline(document.info.description)}</p>
<h2>Authentication and errors</h2>
<p>Every endpoint except this page and <code>openapi.json</code> needs <code>Authorization: Bearer &lt;token&gt;</code>; without one, or with a token nobody has, the answer is <code>401</code>. Request bodies are JSON (<code>Content-Type: application/json</code>, at most 1 MiB).</p>
<table><tr><th>status</th><th>when</th><th><code>detail</code></th></tr>
<tr><td>401</td><td>no or unknown bearer token</td><td>message</td></tr>
<tr><td>403</td><td>the user lacks the team permission (editor on both datastores to promote, reporter to read)</td><td>message</td></tr>
<tr><td>404</td><td>an id names nothing, or an unknown path</td><td>message, e.g. <code>"Container 99 not found"</code></td></tr>
<tr><td>405</td><td>a known path with another method</td><td>message; <code>Allow</code> lists the methods</td></tr>
<tr><td>409</td><td>resuming an operation that is not aborted or failed</td><td>message</td></tr>
<tr><td>413 / 415</td><td>body over the limit / not declared as JSON</td><td>message</td></tr>
<tr><td>422</td><td>wrong shape (also: JSON that does not parse), or a request that cannot be carried out</td><td><code>[{"loc", "msg", "type"}, …]</code>, or a message such as <code>"Source and destination must be different"</code></td></tr>
<tr><td>503</td><td>the store failed</td><td>message</td></tr>
</table>
${sections}
<h2 id="schemas">Schemas</h2>
${schemas}
</main>
</body>
</html>
`;
}

function renderOperation(path: string, method: string, operation: OpenApiOperation): string {
  const parameters =
    operation.parameters.length === 0
      ? ''
      : `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>${operation.parameters
          .map(
            (parameter) =>
              `<tr><td><code>${escape(parameter.name)}</code>${parameter.required ? ' <em>required</em>' : ''}</td><td>${parameter.in}</td><td>${typeLabel(parameter.schema)}</td><td>${inline(parameter.description)}</td></tr>`,
          )
          .join('')}</table>`;
  const body = operation.requestBody === undefined ? '' : renderRequestBody(operation.requestBody);
  const responses = `<h4>Responses</h4><table><tr><th>status</th><th>body</th><th>when</th></tr>${Object.entries(operation.responses)
    .map(([status, response]) => `<tr><td>${escape(status)}</td><td>${contentLabel(response.content)}</td><td>${inline(response.description)}</td></tr>`)
    .join('')}</table>`;
  const auth = operation.security?.length === 0 ? '<p class="note">No token needed.</p>' : '';
  return `<section id="${escape(operation.operationId)}" class="op"><h3><span class="m ${method}">${method}</span> <code>${escape(path)}</code></h3><p><strong>${escape(operation.summary)}.</strong> ${inline(operation.description)}</p>${auth}${parameters}${body}${responses}</section>`;
}

function renderRequestBody(requestBody: JsonObject): string {
  const content = requestBody['content'] as Record<string, JsonObject> | undefined;
  const json = content?.['application/json'];
  const examples = Object.values((json?.['examples'] ?? {}) as Record<string, { summary: string; value: unknown }>)
    .map((example) => `<details><summary>Example: ${escape(example.summary)}</summary><pre>${escape(JSON.stringify(example.value, null, 2))}</pre></details>`)
    .join('');
  const description = typeof requestBody['description'] === 'string' ? inline(requestBody['description']) : '';
  return `<h4>Body</h4><p>${contentLabel(content)} ${description}</p>${examples}`;
}

function contentLabel(content: JsonObject | undefined): string {
  if (content === undefined) return '';
  return Object.entries(content)
    .map(([mediaType, value]) => `${typeLabel(((value as JsonObject)['schema'] ?? {}) as JsonObject)} <small>${escape(mediaType)}</small>`)
    .join(', ');
}

/** A table of an object schema's properties, or the list of a union's alternatives. */
function schemaOutline(schema: JsonObject): string {
  const properties = schema['properties'] as Record<string, JsonObject> | undefined;
  if (properties !== undefined) {
    const required = new Set((schema['required'] ?? []) as string[]);
    const rows = Object.entries(properties)
      .map(
        ([name, property]) =>
          `<tr><td><code>${escape(name)}</code>${required.has(name) ? ' <em>required</em>' : ''}</td><td>${typeLabel(property)}</td><td>${typeof property['description'] === 'string' ? inline(property['description']) : ''}</td></tr>`,
      )
      .join('');
    const closed = schema['additionalProperties'] === false ? '<p class="note">No other property is accepted.</p>' : '';
    return `<table><tr><th>property</th><th>type</th><th>description</th></tr>${rows}</table>${closed}`;
  }
  const alternatives = (schema['oneOf'] ?? schema['anyOf']) as JsonObject[] | undefined;
  if (alternatives !== undefined) return `<p>One of: ${alternatives.map(typeLabel).join(', ')}</p>`;
  return '';
}

/** A short label for a schema: a link for a `$ref`, else its type. */
function typeLabel(schema: JsonObject): string {
  const reference = schema['$ref'];
  if (typeof reference === 'string') {
    const name = reference.split('/').pop() ?? reference;
    return `<a href="#schema-${escape(name)}">${escape(name)}</a>`;
  }
  const alternatives = (schema['oneOf'] ?? schema['anyOf']) as JsonObject[] | undefined;
  if (alternatives !== undefined) return alternatives.map(typeLabel).join(' or ');
  if ('const' in schema) return `<code>${escape(JSON.stringify(schema['const']))}</code>`;
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map((value) => `<code>${escape(String(value))}</code>`).join(' | ');
  if (schema['type'] === 'array') return `list of ${typeLabel((schema['items'] ?? {}) as JsonObject)}`;
  // A nullable value is `type: ["string", "null"]` in JSON Schema 2020-12.
  const type = Array.isArray(schema['type']) ? (schema['type'] as unknown[]).map(String).join(' or ') : typeof schema['type'] === 'string' ? schema['type'] : 'any';
  return 'default' in schema ? `${escape(type)} (default ${escape(JSON.stringify(schema['default']))})` : escape(type);
}

/** Escapes text, then renders `code` spans and **bold**. */
function inline(text: string): string {
  return escape(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const style = `
body{margin:0;font:15px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:#1d2433;display:flex}
nav{position:sticky;top:0;align-self:flex-start;height:100vh;overflow:auto;width:19rem;padding:1rem;background:#f4f6fa;border-right:1px solid #dde3ec;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:.5rem}nav a{color:inherit;text-decoration:none}
main{max-width:62rem;padding:1rem 2rem 4rem}
h1 small{font-size:.5em;color:#6b7589}
h2{margin-top:2.5rem;border-bottom:1px solid #dde3ec}
.op{margin:1.5rem 0;padding:0 1rem 1rem;border:1px solid #dde3ec;border-radius:6px}
table{border-collapse:collapse;margin:.5rem 0;width:100%}th,td{border:1px solid #dde3ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{background:#eef1f6;padding:0 .2em;border-radius:3px}pre{background:#1d2433;color:#e8ecf3;padding:.8rem;overflow:auto;border-radius:4px;font-size:13px}
.m{display:inline-block;min-width:3.2em;text-align:center;border-radius:3px;color:#fff;font-size:.8em;padding:0 .3em}
.GET{background:#2f7d4f}.POST{background:#2a5db0}.PUT{background:#a76a12}.note{color:#6b7589}
`;
