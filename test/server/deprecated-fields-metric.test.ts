// graphql_envelop_deprecated_field is counted only while the served schema deprecates something
// (src/server/metrics.ts): the check must see a deprecation wherever the schema can carry one.
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema.js';
import { deprecatesAnything } from '../../src/server/metrics.js';

describe('whether the schema deprecates anything', () => {
  it("is false for Quell's schema today and true for a deprecated field, argument, input field or enum value", () => {
    expect(deprecatesAnything(schema)).toBe(false);
    const withDeprecated = (sdl: string) => deprecatesAnything(buildSchema(sdl));
    expect(withDeprecated('type Query { a: Int }')).toBe(false);
    expect(withDeprecated('type Query { a: Int @deprecated(reason: "b") }')).toBe(true);
    expect(withDeprecated('type Query { a(x: Int @deprecated): Int }')).toBe(true);
    expect(withDeprecated('input I { x: Int @deprecated } type Query { a(i: I): Int }')).toBe(true);
    expect(withDeprecated('enum E { A B @deprecated } type Query { a: E }')).toBe(true);
  });
});
