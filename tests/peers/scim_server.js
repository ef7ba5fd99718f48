// A small SCIM 2.0 server for integration tests: SCIMMY's express routers over an in-memory
// Users store seeded from a JSON file, on 127.0.0.1 only.
//
//   node scim_server.js --port PORT --users USERS.json [--token TOKEN]
//
// USERS.json is an array of SCIM User objects (or {"Users": [...]}). A seed user without an id
// gets one; a seed user without meta.lastModified gets the start time, so a fixture can set
// exact timestamps for incremental pulls. Users created or changed through the API (POST, PUT,
// PATCH, DELETE on /scim/v2/Users) get a fresh meta.lastModified that is always later than any
// earlier one, so `filter=meta.lastModified gt "..."` sees every change exactly once.
// With --token every request must carry "Authorization: Bearer TOKEN".
"use strict";

const fs = require("node:fs");
const crypto = require("node:crypto");
const express = require("express");
// The CommonJS builds export their classes as `default`; the routers must see the same SCIMMY.
const SCIMMY = require("scimmy").default;
const { SCIMMYRouters } = require("scimmy-routers");

function parseArgs(argv) {
  const args = { port: undefined, users: undefined, token: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!["--port", "--users", "--token"].includes(key) || value === undefined) {
      throw new Error(`unknown or incomplete argument '${key}'`);
    }
    args[key.slice(2)] = value;
    i += 1;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`--port needs a port number, got '${args.port}'`);
  if (args.users === undefined) throw new Error("--users needs the path of a JSON file of seed users");
  return { ...args, port };
}

// Timestamps strictly increase, even for two changes within one millisecond.
let lastStamp = 0;
function nextTimestamp() {
  lastStamp = Math.max(Date.now(), lastStamp + 1);
  return new Date(lastStamp).toISOString();
}

function loadUsers(path) {
  const parsed = JSON.parse(fs.readFileSync(path, "utf8"));
  const list = Array.isArray(parsed) ? parsed : parsed.Users;
  if (!Array.isArray(list)) throw new Error(`${path}: expected an array of users or {"Users": [...]}`);
  const startedAt = nextTimestamp();
  const users = new Map();
  for (const seed of list) {
    const user = structuredClone(seed);
    delete user.schemas;
    user.id = String(user.id ?? crypto.randomUUID());
    const lastModified = user.meta?.lastModified ?? startedAt;
    user.meta = { created: lastModified, ...(user.meta ?? {}), lastModified };
    delete user.meta.location;
    delete user.meta.resourceType;
    if (users.has(user.id)) throw new Error(`${path}: user id '${user.id}' appears twice`);
    users.set(user.id, user);
  }
  return users;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const users = loadUsers(args.users);

  // HR systems carry the department and employee number in the enterprise extension
  // (RFC 7643 §4.3); without declaring it SCIMMY would strip those attributes.
  SCIMMY.Resources.declare(SCIMMY.Resources.User.extend(SCIMMY.Schemas.EnterpriseUser, false))
    // SCIMMY hands the parsed filter to the handler and leaves matching to it; paging
    // (startIndex, count) and sorting are applied by ListResponse on the matched list.
    .egress((resource) => {
      const all = [...users.values()].map((user) => structuredClone(user));
      const matched = resource.filter ? resource.filter.match(all) : all;
      if (resource.id !== undefined && matched.length === 0) {
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      }
      return matched;
    })
    .ingress((resource, instance) => {
      const now = nextTimestamp();
      const previous = resource.id !== undefined ? users.get(resource.id) : undefined;
      if (resource.id !== undefined && previous === undefined) {
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      }
      const userName = String(instance.userName ?? "").toLowerCase();
      for (const other of users.values()) {
        if (other.id !== resource.id && String(other.userName ?? "").toLowerCase() === userName) {
          throw new SCIMMY.Types.Error(409, "uniqueness", `userName '${instance.userName}' is already taken`);
        }
      }
      const user = JSON.parse(JSON.stringify(instance));
      delete user.schemas;
      user.id = previous?.id ?? crypto.randomUUID();
      user.meta = { created: previous?.meta?.created ?? now, lastModified: now };
      users.set(user.id, user);
      return structuredClone(user);
    })
    .degress((resource) => {
      if (!users.delete(resource.id)) {
        throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
      }
    });

  SCIMMY.Config.set({ patch: true, filter: { supported: true, maxResults: 1000 }, sort: true });

  const app = express();
  app.use(
    "/scim/v2",
    new SCIMMYRouters({
      type: "bearer",
      docUri: "http://127.0.0.1/",
      handler: (request) => {
        if (args.token === undefined) return "test";
        if (request.header("Authorization") !== `Bearer ${args.token}`) {
          throw new Error("a bearer token is required");
        }
        return "test";
      },
    }),
  );

  const server = app.listen(args.port, "127.0.0.1", () => {
    console.log(`scim server listening on 127.0.0.1:${args.port} with ${users.size} users`);
  });
  server.on("error", (error) => {
    console.error(`scim server cannot listen on 127.0.0.1:${args.port}: ${error.message}`);
    process.exit(1);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

try {
  main();
} catch (error) {
  console.error(`scim server: ${error.message}`);
  process.exit(2);
}
