"""In-page checks run inside Chromium: axe-core, text size, tap targets, focus, error announcements."""
from browser.support import AXE_JS

SERIOUS = ("serious", "critical")

# Text a person reads as the page's content (secondary notes, codes and hashes may be smaller).
TEXT_SIZES_JS = """() => {
  const secondary = '.small, .muted, .hint, .chain, .tag, small, sup, sub, code, footer, .skip';
  const main = document.querySelector('main');
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const small = [], tiny = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const el = walker.currentNode.parentElement;
    // Chart labels scale with their SVG and repeat the table beside it: not measured as text.
    if (!text || !el || !el.getClientRects().length || el.closest('svg')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const where = el.tagName.toLowerCase() + (el.getAttribute('class') ? '.' + el.getAttribute('class') : '');
    if (size < 16 && !el.closest(secondary)) small.push(`${where} ${size}px "${text.slice(0, 30)}"`);
    if (size < 14) tiny.push(`${where} ${size}px "${text.slice(0, 30)}"`);
  }
  return {body: parseFloat(getComputedStyle(document.body).fontSize), small, tiny};
}"""

# Every control in <main> a finger must hit: at least 48 px high, unless it is a link in running text.
TARGETS_JS = """() => {
  const bad = [];
  const blockOf = el => { let p = el.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
  for (const el of document.querySelectorAll('main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary')) {
    const cs = getComputedStyle(el);
    let box = el.getBoundingClientRect();
    if (!box.width || !box.height || cs.visibility === 'hidden') continue;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (label) box = label.getBoundingClientRect();  // the whole label is the target
    }
    if (box.height >= 47.5) continue;
    if (el.tagName === 'A' && cs.display.startsWith('inline')) {
      const block = blockOf(el);
      if (block && block.textContent.trim().length > el.textContent.trim().length) continue;  // running text
    }
    const name = (el.textContent || el.value || el.name || el.type || '').trim().slice(0, 30);
    bad.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.height)}px high`);
  }
  return bad;
}"""

FOCUS_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  return {tag: el.tagName.toLowerCase(), text: (el.textContent || el.name || '').trim().slice(0, 30),
          visible: outline || shadow};
}"""

# After a rejected form: the summary is announced and every invalid field points at its message.
ERRORS_JS = """() => {
  const announced = [...document.querySelectorAll('[role=alert], [aria-live=assertive], [aria-live=polite]')]
    .filter(e => e.textContent.trim() && e.getClientRects().length).map(e => e.textContent.trim().slice(0, 60));
  const fields = [...document.querySelectorAll('main [aria-invalid=true]')].map(f => {
    const ids = (f.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const texts = ids.map(id => document.getElementById(id)).filter(Boolean).map(e => e.textContent.trim());
    return {name: f.name || f.id, described: texts.filter(Boolean)};
  });
  const beside = document.querySelectorAll('main .field .error, main .error-message, main .field-error').length;
  return {announced, fields, beside};
}"""


def axe_scan(page) -> list[dict]:
    """Run axe-core on the page (its context must bypass CSP) and return the serious and critical violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                           ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                           " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))")
    return [v for v in result if v["impact"] in SERIOUS]


def focus_ring_misses(page, presses: int = 12) -> list[str]:
    """Tab through the page from the top and list focused elements that show no visible outline."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    misses, seen = [], 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_JS)
        if state is None:
            continue
        seen += 1
        if not state["visible"]:
            misses.append(f"{state['tag']} \"{state['text']}\"")
    assert seen, "Tab never moved the focus"
    return misses
