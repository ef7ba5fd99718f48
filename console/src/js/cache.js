// What several pages look up and that changes slowly: region names (from the overview) and
// which department each connector serves (to group evidence by source system). Kept for a
// minute, dropped at sign-in and sign-out.
import { api } from './api.js';

const KEEP_MS = 60_000;
const kept = new Map();

export function reset() {
  kept.clear();
}

async function keep(key, load) {
  const entry = kept.get(key);
  if (entry && Date.now() - entry.at < KEEP_MS) return entry.value;
  const value = await load();
  kept.set(key, { at: Date.now(), value });
  return value;
}

export function remember(key, value) {
  kept.set(key, { at: Date.now(), value });
}

export function overview() {
  return keep('overview', () => api('/api/v1/overview'));
}

// region code -> name, from the overview's regions.
export async function regionNames() {
  const answer = await overview();
  const names = new Map();
  for (const row of (answer.findings && answer.findings.by_region) || []) {
    if (row.region) names.set(row.region, row.name || row.region); // findings of no region have none
  }
  return names;
}

// connector name -> role (estab, org, hr, finance).
export function connectorRoles() {
  return keep('connectors', async () => {
    const answer = await api('/api/v1/connectors');
    const roles = new Map();
    for (const connector of answer.connectors || []) roles.set(connector.name, connector.role);
    return roles;
  });
}
