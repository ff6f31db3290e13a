import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { missingWebToken } from './api/bridge';
import { App, TokenGate } from './components/App';
import { connectStores } from './stores/connect';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
if (missingWebToken()) {
  root.render(<TokenGate stale={false} />);
} else {
  connectStores();
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
