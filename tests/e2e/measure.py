"""What the browser tests measure on a page."""

# Whether a <select>'s chosen option reads whole in the box (no text cut off).
FITS = """sel => {
  const s = document.querySelector(sel);
  const style = getComputedStyle(s);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = style.font;
  const room = s.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return ctx.measureText(s.options[s.selectedIndex].text).width <= room;
}"""
