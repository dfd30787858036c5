import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';
import { useI18n } from '../i18n';

// Only what the pages draw, so the statistics chunk stays small (ECharts whole is about 1 MB).
// Both renderers: canvas on screen, SVG where a page is printed (vectors stay sharp on paper).
echarts.use([BarChart, LineChart, PieChart, AriaComponent, DatasetComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export const PALETTE = ['#1d5fbf', '#36a46b', '#f0a020', '#d9534f', '#7a5cc7', '#2bb3c0', '#8c8c8c'];

/**
 * One ECharts chart. The option is applied whole (notMerge) when its content changes (pages build
 * a new object on every render, so it is compared as JSON), the chart follows its container's
 * width, and `data-rendered` turns true once ECharts has finished drawing.
 */
export function Chart({ option, height = 300, label, testId, renderer = 'canvas' }: { option: ChartOption; height?: number; label: string; testId: string; renderer?: 'canvas' | 'svg' }) {
  const { lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    // The locale words ECharts' own text (the chart descriptions screen readers get).
    const c = echarts.init(el, undefined, { renderer, locale: lang === 'en' ? 'EN' : 'ZH' });
    chart.current = c;
    c.on('finished', () => el.setAttribute('data-rendered', 'true'));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [renderer, lang]);

  const latest = useRef(option);
  const content = JSON.stringify(option);
  useEffect(() => {
    latest.current = option;
  });
  useEffect(() => {
    box.current?.setAttribute('data-rendered', 'false');
    chart.current?.setOption({ color: PALETTE, aria: { enabled: true }, animation: false, ...latest.current }, true);
  }, [content, renderer, lang]);

  return <div ref={box} role="img" aria-label={label} data-testid={testId} className="stats-chart" style={{ height, width: '100%' }} />;
}
