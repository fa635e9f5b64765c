import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { runTokenCommand } from '../../src/auth/token-command.js';
import { developmentTokenSettings, verifyToken } from '../../src/auth/tokens.js';
import { DEVELOPMENT_SECRET } from '../../src/config.js';

describe('token command', () => {
  it('prints a token the server accepts, with the roles, groups and lifetime asked for', async () => {
    const result = await runTokenCommand(
      [
        '--sub',
        'alice',
        '--tid',
        'acme',
        '--roles',
        'responder,viewer',
        '--groups',
        'Servers, Laptops',
        '--expires',
        '30m',
      ],
      DEVELOPMENT_SECRET,
    );
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const token = result.stdout.trim();
    const identity = await verifyToken(token, developmentTokenSettings());
    expect(identity).toMatchObject({
      subject: 'alice',
      tenantId: 'acme',
      groups: ['Servers', 'Laptops'],
    });
    expect([...identity.roles].sort()).toEqual(['responder', 'viewer']);
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBe(30 * 60);
  });

  it('explains itself with --help', async () => {
    const result = await runTokenCommand(['--help'], DEVELOPMENT_SECRET);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--roles <list>');
  });

  it('refuses a bad option in one line, exit code 2', async () => {
    const cases: [string[], string][] = [
      [
        ['--roles', 'admin,wizard'],
        'token: --roles takes viewer, responder, admin, ingest, agent\n',
      ],
      [['--expires', 'soon'], 'token: --expires takes a number and a unit: 30m, 12h, 7d\n'],
      [['--bogus'], "token: Unknown option '--bogus' (see --help)\n"],
      [['--tid', ''], 'token: --tid must not be empty\n'],
    ];
    for (const [argv, message] of cases) {
      expect(await runTokenCommand(argv, DEVELOPMENT_SECRET)).toEqual({
        exitCode: 2,
        stdout: '',
        stderr: message,
      });
    }
  });
});
