// A two-step support chain (docs/playground.md "Chains"). Each step's model comes from the suite's model entry
// (`config:`), so the suite can swap one step's model without touching this file. `evalspec/chain` calls the
// suite's providers and records every step; `chain.result` returns `{ output, steps }` to evalspec.
import { createChain } from 'evalspec/chain';

const TOPICS = ['billing', 'technical', 'account'];

export default async function supportChain(input) {
  const chain = createChain(input);
  const { ticket } = input.vars;
  let topic;
  try {
    const label = await chain.step('classify', {
      model: input.config.classify,
      messages: [
        { role: 'system', content: `Classify the support ticket as one of: ${TOPICS.join(', ')}. Answer with the topic only.` },
        { role: 'user', content: ticket },
      ],
      params: { temperature: 0, max_tokens: 5 },
    });
    topic = TOPICS.find((t) => label.toLowerCase().includes(t)) ?? 'general';
  } catch {
    // The failed step is recorded with its error (the case view shows it): go on as the generalist desk.
    topic = 'general';
  }
  const reply = await chain.step('answer', {
    model: input.config.answer,
    messages: [
      { role: 'system', content: `You are the ${topic} support desk. Reply to the customer in at most two sentences.` },
      { role: 'user', content: ticket },
    ],
    params: { temperature: 0, max_tokens: 150 },
  });
  return chain.result(`[${topic}] ${reply}`);
}
