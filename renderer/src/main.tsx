import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { bridge } from './bridge';

function App() {
  const [status, setStatus] = useState('Connecting to the engine…');
  useEffect(() => {
    const api = bridge();
    if (!api) {
      setStatus('The engine is not connected.');
      return;
    }
    void api.invoke('app:info', {}).then((result) => {
      setStatus(result.ok ? `Convertr ${result.value.version}: converts to ${result.value.outputFormats.join(', ')}.` : result.error.message);
    });
  }, []);
  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', padding: 24 }}>
      <h1>Convertr</h1>
      <p>{status}</p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
