// verl's configuration schema (resources/verl/ppo_trainer.schema.yaml, verl's own fully expanded
// default config) and the check that every Hydra override of a launch script names a real key.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../util/paths';

export interface VerlSchema {
  /** Every dotted key path in the schema, including intermediate groups. */
  keys: Set<string>;
  /** Leaf keys whose default is a list or a mapping (a value like [a,b] is expected there). */
  containerKeys: Set<string>;
  file: string;
}

export function defaultSchemaFile(): string {
  return path.join(packageRoot(), 'resources', 'verl', 'ppo_trainer.schema.yaml');
}

const cache = new Map<string, VerlSchema>();

export function loadVerlSchema(file = defaultSchemaFile()): VerlSchema {
  const hit = cache.get(file);
  if (hit) return hit;
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the verl schema ${file}: ${(e as Error).message}`);
  }
  const keys = new Set<string>();
  const containerKeys = new Set<string>();
  const walk = (node: unknown, prefix: string) => {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      if (prefix) containerKeys.add(prefix);
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const key = prefix ? `${prefix}.${k}` : k;
        keys.add(key);
        walk(v, key);
      }
    } else if (Array.isArray(node) && prefix) {
      containerKeys.add(prefix);
    }
  };
  walk(doc, '');
  const schema = { keys, containerKeys, file };
  cache.set(file, schema);
  return schema;
}

/** One Hydra override: `key=value`, `+key=value` (add a key the schema lacks), `++key=value` (add or override). */
export interface Override {
  key: string;
  value: string;
  /** '' for a plain override, '+' to add a new key, '++' to force. */
  prefix: '' | '+' | '++';
}

export function formatOverride(o: Override): string {
  return `${o.prefix}${o.key}=${o.value}`;
}

export function parseOverride(text: string): Override {
  const m = /^(\+\+|\+)?([A-Za-z_][A-Za-z0-9_.]*)=(.*)$/s.exec(text.trim());
  if (!m) throw new Error(`not a Hydra override (expected key=value): ${JSON.stringify(text)}`);
  return { prefix: (m[1] ?? '') as Override['prefix'], key: m[2], value: m[3] };
}

/**
 * Errors for overrides whose key is not in the schema. Keys added with `+` are allowed only where
 * verl expects user extensions (reward kwargs, engine kwargs, …): their parent must be a mapping.
 */
export function checkOverrides(overrides: Override[], schema = loadVerlSchema()): string[] {
  const errors: string[] = [];
  const seen = new Map<string, number>();
  overrides.forEach((o, i) => {
    if (seen.has(o.key)) errors.push(`override ${i + 1} sets '${o.key}' again (first set by override ${seen.get(o.key)! + 1})`);
    seen.set(o.key, i);
    if (o.prefix === '+') {
      const parent = o.key.split('.').slice(0, -1).join('.');
      if (schema.keys.has(o.key)) errors.push(`'+${o.key}' adds a key that already exists in verl's schema; drop the '+'`);
      else if (parent && !schema.containerKeys.has(parent)) errors.push(`'+${o.key}': parent '${parent}' is not a mapping in verl's schema`);
      return;
    }
    if (!schema.keys.has(o.key)) {
      const near = nearestKeys(o.key, schema, 3);
      errors.push(`unknown verl config key '${o.key}'${near.length ? ` (did you mean ${near.map((k) => `'${k}'`).join(', ')}?)` : ''} — checked against ${path.basename(schema.file)}`);
    }
  });
  return errors;
}

function nearestKeys(key: string, schema: VerlSchema, n: number): string[] {
  const leaf = key.split('.').pop()!;
  return [...schema.keys]
    .filter((k) => k.endsWith(`.${leaf}`) || k === leaf)
    .sort((a, b) => a.length - b.length)
    .slice(0, n);
}
