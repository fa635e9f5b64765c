import { GraphQLError } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import { type DestinationStream, type Logger, pino } from 'pino';
import { DomainError } from '../services/index.js';

export type { Logger } from 'pino';

export interface LogSettings {
  level: string;
  /** Coloured lines for a person at a terminal (pino-pretty); otherwise one JSON line per entry. */
  pretty: boolean;
}

/** The process's logger: JSON lines on stdout with ISO times and level names. */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options = {
    level: settings.level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (settings.pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/** A logger that writes nothing (libraries and tests that do not look at the log). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * yoga's logger on pino, minus the errors a client caused and was told about (a typed error such
 * as BAD_USER_INPUT or ALREADY_DECIDED): yoga logs every error its mask rewrites, which would bury
 * real faults under routine refusals. The request line still records their codes.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (level === 'error' && args.length === 1 && isClientError(first)) return;
      if (first instanceof Error) logger[level]({ err: first, details: rest }, first.message);
      else logger[level]({ details: rest.length ? rest : undefined }, String(first));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

export function isClientError(error: unknown): boolean {
  const original = error instanceof GraphQLError ? error.originalError : error;
  return (
    original instanceof DomainError ||
    (original instanceof GraphQLError && typeof original.extensions.code === 'string')
  );
}
