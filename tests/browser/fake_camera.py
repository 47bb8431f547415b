"""A video file for Chromium's fake camera: a printed Code 128 label held still."""

from pathlib import Path

from PIL import Image
from reportlab.graphics.barcode.code128 import Code128

WIDTH, HEIGHT = 640, 480


def code128_image(text: str, module: int = 4, height: int = 160) -> Image.Image:
    """`text` as Code 128 in crisp black bars, with the 10-module quiet zones."""
    symbol = Code128(text)
    symbol.validate()
    symbol.encode()
    symbol.decompose()  # e.g. "BaAbAd...": A-D bars, a-d spaces, 1 to 4 modules wide
    quiet = 10 * module
    widths = [
        (letter.isupper(), "abcd".index(letter.lower()) + 1)
        for letter in symbol.decomposed
    ]
    image = Image.new(
        "L", (sum(w for _, w in widths) * module + 2 * quiet, height), 255
    )
    x = quiet
    for bar, width in widths:
        if bar:
            image.paste(0, (x, 0, x + width * module, height))
        x += width * module
    return image


def write_y4m(path: Path, text: str, frames: int = 10) -> Path:
    """A short grey-scale Y4M clip of `text`'s barcode on white; Chromium loops it."""
    label = code128_image(text)
    if label.width > WIDTH:
        raise ValueError(f"{text!r} is too long for a {WIDTH} px frame")
    frame = Image.new("L", (WIDTH, HEIGHT), 255)
    frame.paste(label, ((WIDTH - label.width) // 2, (HEIGHT - label.height) // 2))
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)  # neutral: no colour
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path
