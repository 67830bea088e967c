// The ids of the demo's extensions that tests and e2e specs name (the same as in extensions/*/app.json, which
// demo-apps.test.ts checks), so each spec does not keep its own copy of the GUIDs.
export const DEMO_CORE = '8a3c1f20-5b7e-4c1d-9e2a-1c0d5e6f7a01';
export const DEMO_LOYALTY = '8a3c1f20-5b7e-4c1d-9e2a-1c0d5e6f7a02';
export const DEMO_LITWARE = '9b8a7c66-5d4e-4f3a-b2c1-0e9d8c7b6a01';
export const DEMO_SHIPPING = '2f6b9d44-0c3e-4a8b-b7d1-5e9f0a1b2c01';
