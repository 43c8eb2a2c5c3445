import { render } from 'preact';
import { App } from './app';
import { startTelegram } from './telegram';
import './styles.css';

render(<App launch={startTelegram()} />, document.getElementById('app')!);
