import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// Marks for the benchmark (bench/viewer-bench.mjs) and the tests: when the first screen rendered.
performance.mark('evalspec:boot');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
