// Two keyword retrievers over the tiny help centre in docs.json, as `function:` targets. Each returns the
// top 3 articles as `context` (rank order, with the match count as `score`) and answers with the first
// sentence of the top article: a stand-in for the generation step of a RAG feature.
//   keyword:  counts the question's words found in the article (every word, "how", "do" and "my" included);
//   filtered: drops stop words and a plural "s" first, so the words that carry the question decide.
import { readFileSync } from 'node:fs';

const DOCS = JSON.parse(readFileSync(new URL('./docs.json', import.meta.url), 'utf8'));
const STOP = new Set(
  'a an and are at be by can do does did for from get how i if in is it its me my of on or so the then to up what when where which why will with without you your'.split(
    ' ',
  ),
);

const words = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const stem = (word) => (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word);

function retriever(normalise) {
  const index = DOCS.map((doc) => ({ doc, terms: new Set(normalise(words(`${doc.title} ${doc.text}`))) }));
  return function answer({ vars }) {
    const query = [...new Set(normalise(words(vars.question)))];
    const ranked = index
      .map(({ doc, terms }) => ({ doc, score: query.filter((term) => terms.has(term)).length }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score) // stable: ties keep the articles' order
      .slice(0, 3);
    const top = ranked[0]?.doc;
    return {
      output: top ? top.text.split('. ')[0].replace(/\.?$/, '.') : "I couldn't find an article about that.",
      context: ranked.map(({ doc, score }) => ({ id: doc.id, text: `${doc.title}. ${doc.text}`, score })),
    };
  };
}

export const keyword = retriever((list) => list);
export const filtered = retriever((list) => list.filter((word) => !STOP.has(word)).map(stem));
