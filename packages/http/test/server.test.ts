import { createLogger, serve } from '../src';

describe('serve', () => {
  it('when closed during a request, then the request finishes, new ones are refused, and closers run', async () => {
    const closed: string[] = [];
    const running = await serve(
      (_req, res) => {
        setTimeout(() => res.end('done'), 300);
      },
      {
        port: 0,
        host: '127.0.0.1',
        logger: createLogger('test', 'silent'),
        shutdownTimeoutMs: 5000,
        closers: [() => Promise.resolve(void closed.push('pool'))],
      },
    );
    const url = `http://127.0.0.1:${running.port}/`;
    const inFlight = fetch(url).then(async (res) => res.text());
    await new Promise((r) => setTimeout(r, 50));
    const closing = running.close();

    expect(await inFlight).toBe('done');
    await closing;
    expect(closed).toEqual(['pool']);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('when a request outlives the shutdown timeout, then its connection is cut and closing completes', async () => {
    const running = await serve(() => undefined, {
      port: 0,
      host: '127.0.0.1',
      logger: createLogger('test', 'silent'),
      shutdownTimeoutMs: 200,
    });
    const hanging = fetch(`http://127.0.0.1:${running.port}/`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 50));
    await running.close();
    expect(await hanging).toBe('cut');
  });
});
