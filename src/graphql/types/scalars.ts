import { builder } from '../builder.js';

builder.scalarType('DateTime', {
  description: 'An ISO-8601 instant, e.g. 2026-11-22T18:00:00.000Z.',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value).toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : null;
    // A plain error: graphql-js reports it with the path of the variable's field (`input.detectedAt`),
    // which the server turns into BAD_USER_INPUT naming that field.
    if (!date || Number.isNaN(date.getTime()))
      throw new TypeError(`Expected an ISO-8601 date-time, got ${JSON.stringify(value)}.`);
    return date;
  },
});
