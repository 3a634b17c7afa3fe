// Prices of model calls: the suite's price: override, else the @pydantic/genai-prices database (no network).
// A stage of its own below run/ and analysis/, so reading costs back needs neither the AI SDK nor the run.
export { createPricer, type Pricer, type PriceInfo, type PricedModel } from './pricing.js';
export { priceProviderIdOf } from './price-ids.js';
