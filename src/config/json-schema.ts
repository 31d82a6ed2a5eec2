/**
 * The JSON Schema of config/rewind.yml for editors (the YAML language server reads the
 * `# yaml-language-server: $schema=./rewind.schema.json` line). It describes the INPUT — what
 * people type — so durations are strings with a pattern and ratios a number or a `10%` string.
 * `npm run schema` (`rewind generate-schema`) rewrites the committed file; a test keeps it fresh.
 */
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { configSchema, editorSchemas } from './schema.ts';

export const DEFAULT_SCHEMA_PATH = 'config/rewind.schema.json';

export function buildJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    // draft-07 is what the YAML language server and most editors understand best.
    target: 'draft-7',
    unrepresentable: 'any',
    override: (ctx) => {
      const editor = editorSchemas.get(ctx.zodSchema);
      if (!editor) return;
      const target = ctx.jsonSchema as Record<string, unknown>;
      // Keep what zod derived from the surrounding wrappers (a prefault's "default"), replace the type.
      const kept = 'default' in target ? { default: target.default } : {};
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, editor.jsonSchema, kept);
    },
  });
  return {
    ...schema,
    title: 'Rewind configuration (config/rewind.yml)',
    description: 'Generated from src/config/schema.ts by `npm run schema`; do not edit by hand.',
  };
}

/** The file's exact text, so the freshness test can compare byte for byte. */
export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(path: string = DEFAULT_SCHEMA_PATH): void {
  writeFileSync(path, jsonSchemaText());
}
