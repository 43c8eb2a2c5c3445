import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  ChartConfiguration,
  DoughnutController,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(
  LineController,
  LineElement,
  PointElement,
  BarController,
  BarElement,
  DoughnutController,
  ArcElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

/** Series colours readable on both the light and the dark background. */
export const PALETTE = ['#2f7ed8', '#2e9e5b', '#d9534f', '#e09a1a', '#8e5bd0', '#1aa3a3', '#c2417f', '#6b7b8c'];

const dark = () => matchMedia('(prefers-color-scheme: dark)').matches;

/**
 * A Chart.js chart on a canvas. The canvas is an image to assistive technology, labelled with a
 * one-line summary; the numbers themselves are in the tables beside the charts.
 */
export function ChartView({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const text = dark() ? '#d8dee6' : '#333d47';
    const grid = dark() ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.08)';
    Chart.defaults.color = text;
    Chart.defaults.borderColor = grid;
    const chart = new Chart(canvas.current!, { ...config, options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options } });
    return () => chart.destroy();
  }, [config]);
  return (
    <div class="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
