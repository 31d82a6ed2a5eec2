/* global document, CSS */
// The cluster panel: per service the traffic split read from the Kubernetes stand-in as a weights
// bar, each version's error rate, p95 latency and hallucination rate as small charts, and the
// sliders that make a version misbehave. The sliders are drawn once per session and kept while
// the bars and charts are redrawn, so dragging one is never interrupted.
import { escapeHtml } from './blocks.js';

const CHARTS = [
  { metric: 'error_rate', label: 'errors', unit: (v) => `${(v * 100).toFixed(1)}%` },
  { metric: 'p95_latency', label: 'p95', unit: (v) => `${(v / 1000).toFixed(1)}s` },
  { metric: 'hallucination_rate', label: 'halluc.', unit: (v) => `${(v * 100).toFixed(1)}%` },
];

const SLIDERS = [
  { key: 'errorRate', label: 'Error rate', min: 0, max: 30, step: 0.5, toValue: (x) => x / 100, show: (x) => `${x}%` },
  {
    key: 'p95LatencyMs',
    label: 'p95 latency',
    min: 500,
    max: 15000,
    step: 100,
    toValue: (x) => x,
    show: (x) => `${(x / 1000).toFixed(1)} s`,
  },
  {
    key: 'hallucinationRate',
    label: 'Hallucination',
    min: 0,
    max: 50,
    step: 0.5,
    toValue: (x) => x / 100,
    show: (x) => `${x}%`,
  },
];

const fromValue = (key, v) => (key === 'p95LatencyMs' ? v : Math.round(v * 1000) / 10);

function spark(points, max) {
  if (!points.length) return '';
  const w = 64;
  const h = 18;
  const t0 = points[0][0];
  const span = Math.max(1, points[points.length - 1][0] - t0);
  const top = Math.max(max, ...points.map((p) => p[1])) || 1;
  const path = points
    .map((p, i) => `${i ? 'L' : 'M'}${(((p[0] - t0) / span) * w).toFixed(1)},${(h - (p[1] / top) * h).toFixed(1)}`)
    .join(' ');
  return (
    `<svg class="spark" width="${w}" height="${h}" aria-hidden="true">` +
    `<path d="${path}" fill="none" stroke="#1264a3" stroke-width="1.5"/></svg>`
  );
}

const SCALE = { error_rate: 0.1, p95_latency: 4000, hallucination_rate: 0.2 };

function bars(panel) {
  const total = panel.weights.reduce((s, w) => s + w.weight, 0) || 100;
  const segments = panel.weights
    .map((w, i) => ({ ...w, i }))
    .filter((w) => w.weight > 0)
    .map(
      (w) =>
        `<span class="v${w.i % 4}" style="width:${(w.weight / total) * 100}%"` +
        ` title="${escapeHtml(w.version)} ${w.weight}%">` +
        `${escapeHtml(w.version)} ${w.weight}%</span>`,
    )
    .join('');
  const label = panel.weights.map((w) => `${w.version} ${w.weight}%`).join(' / ');
  return (
    `<div class="weights" role="img" aria-label="Traffic of ${escapeHtml(panel.service)}: ${escapeHtml(label)}"` +
    ` data-split="${escapeHtml(label)}">${segments}</div>`
  );
}

function table(panel) {
  const rows = panel.versions
    .map((v, i) => {
      const cells = CHARTS.map((c) => {
        const points = v.charts[c.metric] ?? [];
        const last = points.length ? c.unit(points[points.length - 1][1]) : '–';
        return `<td title="${c.label}">${spark(points, SCALE[c.metric])}${escapeHtml(last)}</td>`;
      }).join('');
      return `<tr><td><span class="tag v${i % 4}">${escapeHtml(v.version)}</span></td>${cells}</tr>`;
    })
    .join('');
  const head = CHARTS.map((c) => `<td>${c.label}</td>`).join('');
  return `<table class="versions"><tr><td></td>${head}</tr>${rows}</table>`;
}

function controls(panel) {
  const id = (k) => `${panel.service}-${k}`;
  // The version taking traffic that came out last is the one a visitor most likely means to break.
  const serving = panel.weights.find((w) => w.weight > 0)?.version;
  const options = panel.versions
    .map((v) => `<option${v.version === serving ? ' selected' : ''}>${escapeHtml(v.version)}</option>`)
    .join('');
  const sliders = SLIDERS.map(
    (s) =>
      `<label>${s.label}<input type="range" id="${escapeHtml(id(s.key))}" data-key="${s.key}"` +
      ` min="${s.min}" max="${s.max}" step="${s.step}">` +
      `<output></output></label>`,
  ).join('');
  return (
    `<div class="controls"><label style="display:block">Misbehaving version ` +
    `<select data-role="version" aria-label="Version of ${escapeHtml(panel.service)} to make misbehave">` +
    `${options}</select></label>` +
    `${sliders}</div>`
  );
}

/** Keeps the panel in step with snapshots; `send` posts a scenario change. */
export class ClusterPanel {
  constructor(root, send) {
    this.root = root;
    this.send = send;
    this.key = '';
    this.panels = [];
  }

  update(panels) {
    this.panels = panels;
    const key = panels.map((p) => `${p.service}:${p.versions.map((v) => v.version).join(',')}`).join(';');
    if (key !== this.key) this.build(panels, key);
    for (const p of panels) {
      const box = this.root.querySelector(`[data-service="${CSS.escape(p.service)}"]`);
      box.querySelector('.live').innerHTML = bars(p) + table(p);
      this.showBehaviour(box, p, false);
    }
  }

  build(panels, key) {
    this.key = key;
    this.root.innerHTML = panels
      .map(
        (p) =>
          `<section class="service" data-service="${escapeHtml(p.service)}"><h3>${escapeHtml(p.service)}</h3>` +
          `<div class="source">${escapeHtml(p.namespace)} · ${escapeHtml(p.source)}</div>` +
          `<div class="live"></div>${controls(p)}</section>`,
      )
      .join('');
    for (const p of panels) {
      const box = this.root.querySelector(`[data-service="${CSS.escape(p.service)}"]`);
      const version = box.querySelector('[data-role=version]');
      version.addEventListener('change', () => this.showBehaviour(box, this.panelOf(p.service), true));
      let timer;
      for (const input of box.querySelectorAll('input[type=range]')) {
        input.addEventListener('input', () => this.showOutput(input));
        input.addEventListener('change', () => {
          clearTimeout(timer);
          timer = setTimeout(() => this.apply(box, p.service), 250);
        });
      }
      this.showBehaviour(box, p, true);
    }
  }

  panelOf(service) {
    return this.panels.find((p) => p.service === service);
  }

  showOutput(input) {
    const s = SLIDERS.find((x) => x.key === input.dataset.key);
    input.nextElementSibling.textContent = s.show(Number(input.value));
  }

  /** Sets the sliders to the chosen version's behaviour, unless the visitor is moving one. */
  showBehaviour(box, panel, force) {
    const version = box.querySelector('[data-role=version]').value;
    const behaviour = panel.versions.find((v) => v.version === version)?.behaviour;
    if (!behaviour) return;
    for (const input of box.querySelectorAll('input[type=range]')) {
      if (!force && (document.activeElement === input || input.dataset.dirty)) continue;
      input.value = String(fromValue(input.dataset.key, behaviour[input.dataset.key]));
      this.showOutput(input);
    }
  }

  apply(box, service) {
    const version = box.querySelector('[data-role=version]').value;
    const change = { kind: 'behaviour', service, version };
    for (const input of box.querySelectorAll('input[type=range]')) {
      const s = SLIDERS.find((x) => x.key === input.dataset.key);
      change[s.key] = s.toValue(Number(input.value));
    }
    this.send(change);
  }
}
