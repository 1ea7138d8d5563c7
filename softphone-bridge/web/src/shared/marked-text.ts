/**
 * The knowledge search's highlighted text (`titleHtml`, `snippetHtml`: escaped by the server, matches
 * in `<mark>`) as DOM nodes. Only text and `<mark>` survive, whatever the string holds, so nothing
 * the server sends can add markup or scripts to the page.
 */
export function markedText(html: string): Node[] {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const nodes: Node[] = [];
  for (const node of Array.from(parsed.body.childNodes)) {
    if (node.nodeType === Node.ELEMENT_NODE && (node as Element).tagName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else nodes.push(document.createTextNode(node.textContent ?? ''));
  }
  return nodes;
}
