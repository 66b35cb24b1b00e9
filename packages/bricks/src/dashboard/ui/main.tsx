// The dashboard's entry: its styles (bundled into dashboard.css) and the app, mounted into the
// shell the daemon serves.
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './app.tsx';

const root = document.getElementById('app');
if (root !== null) {
  root.textContent = '';
  render(<App stack={root.dataset['stack'] ?? ''} />, root);
}
