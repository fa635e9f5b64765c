import { describe, expect, it } from 'vitest';
import {
  preparedStatementNames,
  SCOPED_RESPONSE_PREFIX,
} from '../../src/db/prepared-statements.js';

const response = (n: number) => ({ sql: `${SCOPED_RESPONSE_PREFIX}, (SELECT ${n}) AS "result"` });

describe('prepared statement names (the pg adapter prepares what gets a name)', () => {
  it('names the scoped whole-response statements, one name per text, and nothing else', () => {
    const nameOf = preparedStatementNames();
    const first = nameOf(response(1));
    expect(first).toMatch(/^quell_[0-9a-f]{20}$/);
    expect(nameOf(response(1))).toBe(first);
    expect(nameOf(response(2))).not.toBe(first);
    expect(nameOf({ sql: 'SELECT "public"."incidents"."id" FROM "public"."incidents"' })).toBe('');
    expect(nameOf({ sql: 'BEGIN' })).toBe('');
  });

  it('names at most `limit` texts, so clients choosing selections cannot grow each connection without bound', () => {
    const nameOf = preparedStatementNames(3);
    const named = [1, 2, 3].map((n) => nameOf(response(n)));
    expect(new Set(named).size).toBe(3);
    expect(nameOf(response(4))).toBe('');
    expect(nameOf(response(2))).toBe(named[1]);
  });
});
