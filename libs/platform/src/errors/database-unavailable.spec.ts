import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable, toProblem } from './problem.filter.js';

const queryFailed = (code: string, message = 'x'): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('a database that cannot be reached is 503 (retry), not 500', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['a server shutting down (57P01)', queryFailed('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', queryFailed('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', queryFailed('08006')],
    ['a connection ended under a query', new Error('Connection terminated unexpectedly')],
  ])('%s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(toProblem(err)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE', retryable: true });
  });

  it.each([
    ['a unique violation', queryFailed('23505')],
    ['a syntax error', queryFailed('42601')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('but not %s', (_what, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
    expect(toProblem(err).status).not.toBe(503);
  });
});
