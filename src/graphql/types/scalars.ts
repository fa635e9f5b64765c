import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';

builder.scalarType('DateTime', {
  description: 'An ISO-8601 instant, e.g. 2026-11-22T18:00:00.000Z.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw badUserInput('DateTime', `Expected an ISO-8601 date-time, got ${JSON.stringify(value)}.`);
    return date;
  },
});
