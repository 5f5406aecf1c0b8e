// Start-up failures an operator can fix, said in one line naming the setting (the CLI prints it and exits non-zero).
import { AppError } from './errors.js';

/** A listen() failure of the HTTP server or the SMTP listener, as the setting to change. */
export function listenError(err: unknown, what: string, setting: string, hostSetting: string, host: string, port: number): AppError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const where = `${host}:${port}`;
  if (code === 'EADDRINUSE') return new AppError('unavailable', `${what} cannot listen on ${where}: the port is in use by another program (change ${setting})`);
  if (code === 'EACCES') return new AppError('unavailable', `${what} cannot listen on ${where}: ports below 1024 need privileges (change ${setting})`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new AppError('unavailable', `${what} cannot listen on ${where}: ${host} is not an address of this machine (change ${hostSetting})`);
  }
  return new AppError('unavailable', `${what} cannot listen on ${where}: ${(err as Error)?.message ?? String(err)} (${setting}, ${hostSetting})`);
}
