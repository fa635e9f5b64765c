import { GraphQLError } from 'graphql';

/** Which bound an operation went over: clients switch on `extensions.limit`. */
export type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives' | 'cost';

/** The one error of every operation limit: code LIMIT_EXCEEDED, naming the limit. */
export function limitExceeded(
  limit: LimitName,
  message: string,
  extra: Record<string, unknown> = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'LIMIT_EXCEEDED', limit, ...extra, http: { status: 400 } },
  });
}
