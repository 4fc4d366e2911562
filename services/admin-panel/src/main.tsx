import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configureApi } from './api/client';
import { App } from './App';
import { navigate } from './router';
import './ui/styles.css';

/** The static server says where the gateway is (one build serves any deployment). */
async function boot(): Promise<void> {
  const config = (await (await fetch('/config.json')).json()) as { apiUrl: string };
  configureApi({
    apiUrl: config.apiUrl,
    onSessionEnded: (reason, hadSession) => {
      if (window.location.pathname === '/login') return;
      navigate(hadSession ? `/login?expired=${encodeURIComponent(reason)}` : '/login', { replace: true });
    },
  });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void boot();
