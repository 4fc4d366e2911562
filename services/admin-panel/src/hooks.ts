import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads data when `deps` change; `reload` runs it again. Errors are kept to be shown, not thrown. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const latest = useRef(0);
  const run = useCallback(() => {
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (error: unknown) => ticket === latest.current && setState({ error: error as Error, loading: false }),
    );
  }, deps); // the caller lists what the loader reads
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** Runs a mutation: `busy` while it runs, its error (in words) or a success message after. */
export function useAction() {
  const [state, setState] = useState<{ busy: boolean; error?: Error; message?: string }>({ busy: false });
  const run = useCallback(async (action: () => Promise<unknown>, success?: string): Promise<boolean> => {
    setState({ busy: true });
    try {
      await action();
      setState({ busy: false, message: success });
      return true;
    } catch (error) {
      setState({ busy: false, error: error as Error });
      return false;
    }
  }, []);
  return { ...state, run };
}
