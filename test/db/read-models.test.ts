import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ColumnKind, READ_MODELS } from '../../src/db/store/reads/models.js';
import { getDatamodel } from '../../src/generated/pothos-prisma-types.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

// The SQL read path's model registry (src/db/store/reads/models.ts) restates what Prisma's
// datamodel and the migrated tables hold: this holds it to both, so a renamed column, a changed
// type or a moved key fails here instead of answering wrong.

let database: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  database = await createTestDatabase();
  client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const models = getDatamodel().datamodel.models;

/** Prisma's scalar type for each kind of the registry (String columns are uuid or text). */
function prismaType(kind: ColumnKind): string {
  if (typeof kind === 'object') return kind.enum;
  return { uuid: 'String', text: 'String', date: 'DateTime', bool: 'Boolean', int: 'Int' }[kind];
}

const SQL_TYPES: Record<string, string> = {
  uuid: 'uuid',
  text: 'text',
  date: 'timestamp without time zone',
  bool: 'boolean',
  int: 'integer',
};

describe('the SQL read path model registry', () => {
  it('names only fields of Prisma datamodel, with their types and keys', () => {
    for (const [name, model] of Object.entries(READ_MODELS)) {
      const fields = models[name]?.fields ?? [];
      expect(fields.length, name).toBeGreaterThan(0);
      for (const [column, kind] of Object.entries(model.columns)) {
        const field = fields.find((f) => f.name === column);
        expect(field && !field.isList && field.type, `${name}.${column}`).toBe(prismaType(kind));
      }
      for (const [relationName, relation] of Object.entries(model.relations)) {
        const field = fields.find((f) => f.name === relationName);
        expect(field?.type, `${name}.${relationName}`).toBe(relation.model);
        if (relation.kind === 'one') {
          expect(field?.relationFromFields, `${name}.${relationName}`).toEqual([relation.localKey]);
          continue;
        }
        const back = models[relation.model]?.fields.find(
          (f) => f.relationName === field?.relationName && f.type === name,
        );
        expect(back?.relationFromFields, `${name}.${relationName}`).toEqual([relation.foreignKey]);
      }
    }
  });

  it('names the migrated tables and their column types', async () => {
    for (const [name, model] of Object.entries(READ_MODELS)) {
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [model.table],
      );
      const types = new Map(rows.map((row) => [row.column_name, row.data_type]));
      expect(types.size, `${name} -> ${model.table}`).toBeGreaterThan(0);
      for (const [column, kind] of Object.entries(model.columns)) {
        const expected = typeof kind === 'object' ? 'USER-DEFINED' : SQL_TYPES[kind];
        expect(types.get(column), `${model.table}.${column}`).toBe(expected);
      }
    }
  });
});
