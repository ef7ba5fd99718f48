// ECharts (vendor/echarts.min.js, loaded as a classic script before the modules) drawn into
// a labelled box: every chart has role=img with a sentence saying what it shows, and the same
// figures are in a table beside it, so nothing is only in a picture.
import { h } from './dom.js';
import { lang } from './i18n.js';

const live = new Set();
let resizeHooked = false;

export const SEVERITY_COLOURS = { critical: '#b42318', major: '#c2570c', minor: '#4a6fa5' };
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export function chartsAvailable() {
  return typeof window.echarts === 'object' && window.echarts !== null;
}

// The box a chart is drawn in; `height` in pixels.
export function chartBox(description, height = 320) {
  return h('div', { class: 'chart', role: 'img', 'aria-label': description, style: `height:${height}px` });
}

function draw(box, option) {
  if (!chartsAvailable()) return null;
  const chart = window.echarts.init(box, null, { renderer: 'canvas', locale: lang() === 'en' ? 'EN' : 'ZH' });
  chart.setOption({ animation: false, textStyle: { fontFamily: FONT, fontSize: 13 }, ...option });
  live.add(chart);
  if (!resizeHooked) {
    resizeHooked = true;
    window.addEventListener('resize', () => live.forEach((one) => one.resize()));
  }
  return chart;
}

// Charts of the page being left are let go (their canvases and listeners).
export function disposeCharts() {
  for (const chart of live) chart.dispose();
  live.clear();
}

// Horizontal bars, one per category, each bar its own colour when `colours` is given.
export function horizontalBars(box, { categories, values, colours, name }) {
  return draw(box, {
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: categories, inverse: true, axisLabel: { width: 260, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name,
        data: values.map((value, index) => ({
          value,
          itemStyle: colours ? { color: colours[index] } : undefined,
        })),
        label: { show: true, position: 'right' },
        barMaxWidth: 22,
      },
    ],
  });
}

// Vertical bars with category labels turned when there are many.
export function verticalBars(box, { categories, values, name, colour = '#1f5f8b' }) {
  return draw(box, {
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: {
      type: 'category',
      data: categories,
      axisLabel: { interval: 0, rotate: categories.length > 8 ? 35 : 0 },
    },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name, data: values, itemStyle: { color: colour }, label: { show: true, position: 'top' }, barMaxWidth: 36 }],
  });
}

// Lines over categories (weeks): series = [{name, values, colour}].
export function lines(box, { categories, series }) {
  return draw(box, {
    grid: { left: 8, right: 48, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: { type: 'value', minInterval: 1 },
    series: series.map((one) => ({
      type: 'line',
      name: one.name,
      data: one.values,
      symbolSize: 7,
      itemStyle: { color: one.colour },
      lineStyle: { color: one.colour, width: 2 },
    })),
  });
}

// Stacked vertical bars over categories, with a `total` per category drawn as a dashed frame
// around its stack (the approved number the parts are set against): parts = [{name, values,
// colour}], total = {name, values}.
export function stackedBars(box, { categories, parts, total }) {
  return draw(box, {
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    xAxis: { type: 'category', data: categories, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      ...parts.map((part) => ({
        type: 'bar',
        name: part.name,
        stack: 'parts',
        data: part.values,
        itemStyle: { color: part.colour },
        barMaxWidth: 56,
      })),
      {
        type: 'bar',
        name: total.name,
        data: total.values,
        barGap: '-100%',
        barMaxWidth: 56,
        z: 3,
        itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#1b1f24', borderWidth: 2, borderType: 'dashed' },
        // On a white ground: over a stack higher than the frame it stays readable.
        label: {
          show: true,
          position: 'top',
          color: '#1b1f24',
          backgroundColor: '#ffffff',
          borderColor: '#1b1f24',
          borderWidth: 1,
          borderRadius: 3,
          padding: [2, 5],
          formatter: (item) => `${total.name} ${item.value}`,
        },
      },
    ],
  });
}
