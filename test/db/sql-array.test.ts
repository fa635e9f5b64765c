import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '../../src/db/client.js';
import { sqlArray } from '../../src/db/store/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase();
  prisma = createPrismaClient(database.adminUrl);
});

afterAll(async () => {
  await prisma.$disconnect();
  await database.drop();
});

describe('sqlArray: an array parameter bound as one literal', () => {
  it('reaches PostgreSQL as the same array, whatever the text holds', async () => {
    const values = [
      'plain',
      '',
      'a "quoted" word',
      'back\\slash',
      'C:\\Users\\u\\x.exe',
      '{braces},commas',
      'NULL',
      ' spaced ',
      'ünïcødé ✓',
      null,
    ];
    const [row] = await prisma.$queryRaw<{ values: (string | null)[] }[]>`
      SELECT ${sqlArray(values)}::text[] AS values`;
    expect(row!.values).toEqual(values);
  });

  it('casts to typed arrays (uuid, int, boolean, timestamp) with NULLs and the empty array', async () => {
    const id = '0f8e8f3e-2c4b-4d7e-9a51-3b0c2d1e4f5a';
    const [row] = await prisma.$queryRaw<
      { ids: string[]; numbers: (number | null)[]; flags: boolean[]; at: Date[]; none: string[] }[]
    >`SELECT ${sqlArray([id, null])}::uuid[] AS ids, ${sqlArray([1, null, 3])}::int[] AS numbers,
             ${sqlArray([true, false])}::boolean[] AS flags,
             ${sqlArray(['2026-12-02 06:40:00.123'])}::timestamp[] AS at, ${sqlArray([])}::text[] AS none`;
    expect(row!.ids).toEqual([id, null]);
    expect(row!.numbers).toEqual([1, null, 3]);
    expect(row!.flags).toEqual([true, false]);
    expect(row!.at.map((d) => new Date(d).toISOString())).toEqual(['2026-12-02T06:40:00.123Z']);
    expect(row!.none).toEqual([]);
  });
});
