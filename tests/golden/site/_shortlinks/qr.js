/*! shortlinks QR encoder 1.1.0 (MIT, part of shortlinks; written for it, not taken from
 * another project).
 *
 * Draws QR codes in the browser so a site need not ship one image file a link. It
 * implements the QR Code symbology of ISO/IEC 18004:2015: byte mode (the text as UTF-8,
 * without an ECI header), versions 1 to 40, the smallest that fits, error correction level
 * M unless asked otherwise, all eight data masks scored with the standard's penalty rules,
 * format and version information, and a quiet zone of four modules in every image.
 * tests/test_qr_js.py proves it against segno, the Python encoder of `shortlinks qr`: the
 * same text makes the same modules, version and mask. (segno pads one codeword late, which
 * the standard does not allow; the test corrects that one step of segno's before comparing.)
 *
 * API, one global (a page loads it with one plain <script src>); scale is pixels a module,
 * 10 unless given; level is "L", "M", "Q" or "H", M unless given; style is optional,
 * {dark, light, quiet}: the colours of the dark and light modules ("#rgb" or "#rrggbb";
 * black and white unless given, and anything else is ignored) and the quiet zone in
 * modules (4 unless given; 0 to 40). show() and init() may draw a logo at the centre:
 * an image of the page's own site (a canvas must stay readable), on a plate of the light
 * colour whose side is logoSize of the code's (0.2 unless given; 0.1 to 0.3), the level
 * then H unless given; an image that does not load leaves the code without it:
 *   ShortlinksQR.matrix(text, level) -> {size, version, mask, modules: boolean[row][col]}
 *   ShortlinksQR.svg(text, scale, level, style) -> SVG markup, black on white by default
 *   ShortlinksQR.png(text, scale, level, style) -> a data: URL of a PNG (drawn on a canvas)
 *   ShortlinksQR.show(img, text, {svgLink, pngLink, name, scale, level, dark, light, quiet,
 *       logo, logoSize})
 *       draws the code into the <img> as a PNG (WeChat's long-press "scan the QR code in
 *       the image" reads PNGs; it does not reliably read SVG images) and points the two
 *       links at the SVG and PNG files, to be saved as <name>-qr.svg and <name>-qr.png.
 *   ShortlinksQR.init(root) -> what the script does by itself once the page has loaded:
 *       every <img data-qr="TEXT" data-qr-name="NAME" id="ID"> (data-qr-level,
 *       data-qr-dark, data-qr-light, data-qr-quiet, data-qr-logo and data-qr-logo-size
 *       optional) gets its code, every <a data-qr-svg="ID"> and <a data-qr-png="ID"> the download of
 *       that image's code. A text too long for any code leaves its image as it was.
 *   ShortlinksQR.version -> "1.1.0"
 * No inline handlers, no eval, no network but a logo: besides allowing this file in
 * script-src, the page's Content-Security-Policy needs only "img-src data:" (the image and
 * both downloads are data: URLs, and no directive governs a download), and 'self' with a
 * logo.
 *
 * ES5 on purpose (var, function, no arrows, no classes, no typed arrays): the in-app
 * browsers of WeChat (X5, XWeb), QQ and older Android WebViews run it as they are.
 */
var ShortlinksQR = (function () {
  "use strict";

  var VERSION = "1.1.0";
  var QUIET = 4; // modules of light border on each side (the standard's minimum)
  var LEVELS = { L: 0, M: 1, Q: 2, H: 3 };
  // The error correction level as written in the format information (Table 12).
  var LEVEL_BITS = [1, 0, 3, 2];

  // Table 9 of the standard, for versions 1..40: error correction codewords in each block,
  // and the number of blocks, by level (L, M, Q, H). The rest of the table follows from
  // these and the symbol's size: the data codewords (dataCodewords) and how they are
  // shared between the blocks (finalMessage).
  var EC_PER_BLOCK = [
    [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
      28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
      26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
    [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
      28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
      30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30]
  ];
  var BLOCKS = [
    [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
      8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
    [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
      17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
    [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
      23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
    [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
      25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81]
  ];

  // ---- Galois field GF(256) of the Reed-Solomon code (section 7.5.2: the field's
  // polynomial is x^8 + x^4 + x^3 + x^2 + 1, 0x11D, and 2 generates it).
  var EXP = [];
  var LOG = [];
  (function () {
    var x = 1;
    for (var i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (i = 255; i < 512; i++) EXP[i] = EXP[i - 255]; // a sum of two logs needs no mod 255
  })();

  function multiply(a, b) {
    return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  // The generator polynomial of n error correction codewords, (x - 2^0)...(x - 2^(n-1)),
  // its coefficients from the highest power down, the leading 1 left out.
  var generators = {};
  function generator(n) {
    if (generators[n]) return generators[n];
    var poly = [1];
    for (var i = 0; i < n; i++) {
      var next = [];
      for (var j = 0; j <= poly.length; j++) {
        next[j] = (j < poly.length ? poly[j] : 0) ^ (j > 0 ? multiply(poly[j - 1], EXP[i]) : 0);
      }
      poly = next;
    }
    generators[n] = poly.slice(1);
    return generators[n];
  }

  // The error correction codewords of a block: the remainder of data * x^n divided by the
  // generator polynomial (section 7.5.2).
  function errorCorrection(data, n) {
    var gen = generator(n);
    var rest = [];
    for (var i = 0; i < n; i++) rest[i] = 0;
    for (i = 0; i < data.length; i++) {
      var factor = data[i] ^ rest.shift();
      rest.push(0);
      for (var j = 0; j < n; j++) rest[j] ^= multiply(gen[j], factor);
    }
    return rest;
  }

  // ---- The symbol's geometry.
  function sizeOf(version) {
    return version * 4 + 17;
  }

  // Centres of the alignment patterns along one axis (Annex E): from 6 to size - 7, evenly
  // spaced by an even step, counted back from the last. Version 32 is the one version
  // whose table entry does not round the step up to the next even number.
  function alignmentPositions(version) {
    if (version === 1) return [];
    var count = Math.floor(version / 7) + 2;
    var last = sizeOf(version) - 7;
    var step = version === 32 ? 26 : Math.ceil((last - 6) / (count - 1) / 2) * 2;
    var positions = [6];
    for (var p = last - (count - 2) * step; p <= last; p += step) positions.push(p);
    return positions;
  }

  // Modules left for data and error correction: the symbol minus finder patterns with
  // their separators, timing patterns, format information (and the dark module),
  // alignment patterns (less what they share with the timing patterns) and version
  // information. What is left over after whole codewords is the remainder bits.
  function dataModules(version) {
    var size = sizeOf(version);
    var modules = size * size - 3 * 64 - 2 * (size - 16) - 31;
    var count = alignmentPositions(version).length;
    if (count) modules -= 25 * (count * count - 3) - 10 * (count - 2);
    if (version >= 7) modules -= 36;
    return modules;
  }

  function totalCodewords(version) {
    return Math.floor(dataModules(version) / 8);
  }

  function dataCodewords(version, level) {
    var v = version - 1;
    return totalCodewords(version) - EC_PER_BLOCK[level][v] * BLOCKS[level][v];
  }

  // ---- Text to codewords (section 7.4).
  function utf8(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        var low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (c >= 0xd800 && c < 0xe000) c = 0xfffd; // a lone surrogate, as TextEncoder does
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else {
        bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
    }
    return bytes;
  }

  // Bits of the character count: 8 up to version 9, 16 from version 10 (Table 3).
  function countBits(version) {
    return version < 10 ? 8 : 16;
  }

  // The smallest version whose data codewords hold the mode indicator (4 bits), the
  // character count and the bytes.
  function smallestVersion(byteCount, level) {
    for (var version = 1; version <= 40; version++) {
      var needed = 4 + countBits(version) + 8 * byteCount;
      if (needed <= dataCodewords(version, level) * 8) return version;
    }
    throw new Error("QR code: " + byteCount + " bytes do not fit (at most " +
      (dataCodewords(40, level) - 3) + " at this error correction level)");
  }

  function dataStream(bytes, version, level) {
    var bits = [];
    function put(value, length) {
      for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
    }
    put(4, 4); // mode indicator 0100: byte mode
    put(bytes.length, countBits(version));
    for (var i = 0; i < bytes.length; i++) put(bytes[i], 8);
    var capacity = dataCodewords(version, level) * 8;
    put(0, Math.min(4, capacity - bits.length)); // the terminator, shorter when full
    // Zero bits up to the next codeword boundary only: none when already on one. (segno
    // adds a whole zero codeword there; the standard does not, and strict readers trip.)
    put(0, (8 - (bits.length % 8)) % 8);
    var codewords = [];
    for (i = 0; i < bits.length; i += 8) {
      var word = 0;
      for (var j = 0; j < 8; j++) word = (word << 1) | bits[i + j];
      codewords.push(word);
    }
    for (i = 0; codewords.length < capacity / 8; i++) codewords.push(i % 2 ? 0x11 : 0xec);
    return codewords;
  }

  // Split into blocks, add each block's error correction, interleave (section 7.6): the
  // blocks hold floor(data / blocks) codewords, the last (data mod blocks) one more.
  function finalMessage(codewords, version, level) {
    var count = BLOCKS[level][version - 1];
    var ecLength = EC_PER_BLOCK[level][version - 1];
    var shortLength = Math.floor(codewords.length / count);
    var longFrom = count - (codewords.length % count);
    var data = [];
    var ec = [];
    for (var b = 0, at = 0; b < count; b++) {
      var length = shortLength + (b >= longFrom ? 1 : 0);
      data.push(codewords.slice(at, at + length));
      ec.push(errorCorrection(data[b], ecLength));
      at += length;
    }
    var out = [];
    for (var i = 0; i <= shortLength; i++) {
      for (b = 0; b < count; b++) if (i < data[b].length) out.push(data[b][i]);
    }
    for (i = 0; i < ecLength; i++) {
      for (b = 0; b < count; b++) out.push(ec[b][i]);
    }
    return out;
  }

  // ---- The matrix: modules[row][col] 1 (dark) or 0, and which modules are function
  // patterns (never masked).
  function Grid(version) {
    this.version = version;
    this.size = sizeOf(version);
    this.modules = [];
    this.fixed = [];
    for (var r = 0; r < this.size; r++) {
      this.modules.push([]);
      this.fixed.push([]);
      for (var c = 0; c < this.size; c++) {
        this.modules[r].push(0);
        this.fixed[r].push(false);
      }
    }
  }

  Grid.prototype.set = function (row, col, dark) {
    this.modules[row][col] = dark ? 1 : 0;
    this.fixed[row][col] = true;
  };

  Grid.prototype.drawFunctionPatterns = function () {
    var size = this.size;
    var i;
    // Finder patterns: 7x7 rings, dark-light-dark 3x3 core, in a light separator.
    var corners = [[0, 0], [0, size - 7], [size - 7, 0]];
    for (var k = 0; k < 3; k++) {
      for (var dr = -1; dr <= 7; dr++) {
        for (var dc = -1; dc <= 7; dc++) {
          var row = corners[k][0] + dr;
          var col = corners[k][1] + dc;
          if (row < 0 || col < 0 || row >= size || col >= size) continue;
          var ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
          this.set(row, col, ring !== 2 && ring !== 4);
        }
      }
    }
    // Timing patterns: alternating along row 6 and column 6, dark on even positions.
    for (i = 8; i < size - 8; i++) {
      this.set(6, i, i % 2 === 0);
      this.set(i, 6, i % 2 === 0);
    }
    // Alignment patterns: 5x5, dark ring, light ring, dark centre; none on a finder.
    var positions = alignmentPositions(this.version);
    var last = positions.length - 1;
    for (var a = 0; a <= last; a++) {
      for (var b = 0; b <= last; b++) {
        if ((a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0)) continue;
        for (dr = -2; dr <= 2; dr++) {
          for (dc = -2; dc <= 2; dc++) {
            this.set(positions[a] + dr, positions[b] + dc,
              Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
          }
        }
      }
    }
    // Format and version information: reserved, light, until the mask is chosen. The dark
    // module (beside the lower-left finder) stays light until then too: the masks are
    // scored without all three, as segno scores them (so both choose the same mask).
    for (i = 0; i < 9; i++) {
      if (i !== 6) {
        this.set(8, i, false);
        this.set(i, 8, false);
      }
      if (i < 8) {
        this.set(8, size - 1 - i, false);
        this.set(size - 1 - i, 8, false);
      }
    }
    if (this.version >= 7) {
      for (i = 0; i < 18; i++) {
        this.set(Math.floor(i / 3), size - 11 + (i % 3), false);
        this.set(size - 11 + (i % 3), Math.floor(i / 3), false);
      }
    }
  };

  // Codewords into the free modules, most significant bit first, in two-module columns
  // from the right, alternately upwards and downwards, skipping the vertical timing
  // pattern (section 7.7.3). Modules left over are the remainder bits: 0.
  Grid.prototype.place = function (codewords) {
    var size = this.size;
    var bit = 0;
    var total = codewords.length * 8;
    var upwards = true;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (var step = 0; step < size; step++) {
        var row = upwards ? size - 1 - step : step;
        for (var k = 0; k < 2; k++) {
          var col = right - k;
          if (this.fixed[row][col]) continue;
          var dark = bit < total ? (codewords[bit >> 3] >>> (7 - (bit & 7))) & 1 : 0;
          this.modules[row][col] = dark;
          bit++;
        }
      }
      upwards = !upwards;
    }
  };

  // The eight data masks (Table 10), i the row and j the column: true flips the module.
  var MASKS = [
    function (i, j) { return (i + j) % 2 === 0; },
    function (i) { return i % 2 === 0; },
    function (i, j) { return j % 3 === 0; },
    function (i, j) { return (i + j) % 3 === 0; },
    function (i, j) { return (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0; },
    function (i, j) { return ((i * j) % 2) + ((i * j) % 3) === 0; },
    function (i, j) { return (((i * j) % 2) + ((i * j) % 3)) % 2 === 0; },
    function (i, j) { return (((i + j) % 2) + ((i * j) % 3)) % 2 === 0; }
  ];

  // A copy of the grid's modules with a mask applied to every module that is not fixed.
  Grid.prototype.masked = function (mask) {
    var test = MASKS[mask];
    var out = [];
    for (var r = 0; r < this.size; r++) {
      var row = this.modules[r].slice();
      for (var c = 0; c < this.size; c++) {
        if (!this.fixed[r][c] && test(r, c)) row[c] ^= 1;
      }
      out.push(row);
    }
    return out;
  };

  // Penalty of a row or column (N1 and N3 of Table 11): 3 for a run of five modules of
  // one colour and 1 for each more; 40 for each dark-light-dark-dark-dark-light-dark
  // (1:1:3:1:1) with four light modules before or after it, beyond the symbol's edge
  // counting as light (the quiet zone). An occurrence overlapping one already counted is
  // not counted again (as segno does; the masks must score the same to match).
  function linePenalty(line) {
    var score = 0;
    var n = line.length;
    var run = 1;
    for (var i = 1; i <= n; i++) {
      if (i < n && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += run - 2;
        run = 1;
      }
    }
    function lightFrom(start, end) {
      for (var k = Math.max(start, 0); k < Math.min(end, n); k++) if (line[k]) return false;
      return true;
    }
    for (i = 0; i + 7 <= n; i++) {
      if (line[i] && !line[i + 1] && line[i + 2] && line[i + 3] && line[i + 4] &&
          !line[i + 5] && line[i + 6] && (lightFrom(i - 4, i) || lightFrom(i + 7, i + 11))) {
        score += 40;
        i += 6; // the next search starts after this occurrence
      }
    }
    return score;
  }

  // The whole penalty of a masked matrix (Table 11): N1 and N3 along rows and columns,
  // N2 3 for each 2x2 block of one colour, N4 10 for each 5% the dark share is off 50%.
  function penalty(modules) {
    var size = modules.length;
    var score = 0;
    var dark = 0;
    for (var r = 0; r < size; r++) {
      var column = [];
      for (var c = 0; c < size; c++) {
        column.push(modules[c][r]);
        dark += modules[r][c];
        if (r > 0 && c > 0) {
          var v = modules[r][c];
          if (v === modules[r][c - 1] && v === modules[r - 1][c] && v === modules[r - 1][c - 1]) {
            score += 3;
          }
        }
      }
      score += linePenalty(modules[r]) + linePenalty(column);
    }
    // In floating point, in this order, as segno computes it: a share of exactly 45% or
    // 55% must fall on the same side of the step in both.
    var percent = dark / (size * size);
    return score + 10 * Math.floor(Math.abs(percent * 100 - 50) / 5);
  }

  // A BCH code's check bits: the remainder of value * x^bits divided by poly, a polynomial
  // of degree `bits` over GF(2) (Annexes C and D).
  function bchRemainder(value, poly, bits) {
    var rest = value << bits;
    for (var i = 30; i >= bits; i--) {
      if ((rest >>> i) & 1) rest ^= poly << (i - bits);
    }
    return rest;
  }

  // Format information (section 7.9): level and mask, 10 BCH bits, XOR 101010000010010
  // so it is never all light; one copy around the upper-left finder, one split between
  // the other two, and the dark module.
  function drawFormat(modules, level, mask) {
    var size = modules.length;
    var data = (LEVEL_BITS[level] << 3) | mask;
    var bits = ((data << 10) | bchRemainder(data, 0x537, 10)) ^ 0x5412;
    for (var i = 0; i < 15; i++) {
      var b = (bits >>> i) & 1;
      // around the upper-left finder: up column 8, then along row 8 to the left
      if (i < 6) modules[i][8] = b;
      else if (i < 8) modules[i + 1][8] = b;
      else if (i === 8) modules[8][7] = b;
      else modules[8][14 - i] = b;
      // along row 8 under the upper-right finder, then down column 8 beside the lower-left
      if (i < 8) modules[8][size - 1 - i] = b;
      else modules[size - 15 + i][8] = b;
    }
    modules[size - 8][8] = 1;
  }

  // Version information (section 7.10), versions 7 and up: the version and 12 BCH bits,
  // in a 6x3 block beside the upper-right finder and its transpose beside the lower-left.
  function drawVersion(modules, version) {
    if (version < 7) return;
    var size = modules.length;
    var bits = (version << 12) | bchRemainder(version, 0x1f25, 12);
    for (var i = 0; i < 18; i++) {
      var b = (bits >>> i) & 1;
      modules[Math.floor(i / 3)][size - 11 + (i % 3)] = b;
      modules[size - 11 + (i % 3)][Math.floor(i / 3)] = b;
    }
  }

  function levelOf(level) {
    if (level === undefined || level === null || level === "") return LEVELS.M;
    var found = LEVELS[String(level).toUpperCase()];
    if (found === undefined) throw new Error("QR code: no error correction level " + level);
    return found;
  }

  // The code of a text: version, mask, and its modules (1 dark, 0 light), no quiet zone.
  function encode(text, level) {
    var lv = levelOf(level);
    var bytes = utf8(String(text));
    var version = smallestVersion(bytes.length, lv);
    var grid = new Grid(version);
    grid.drawFunctionPatterns();
    grid.place(finalMessage(dataStream(bytes, version, lv), version, lv));
    var best = null;
    var bestMask = 0;
    var bestScore = Infinity;
    for (var mask = 0; mask < 8; mask++) {
      var modules = grid.masked(mask);
      var score = penalty(modules);
      if (score < bestScore) { // the first of equal scores wins, as in segno
        best = modules;
        bestMask = mask;
        bestScore = score;
      }
    }
    drawFormat(best, lv, bestMask);
    drawVersion(best, version);
    return { version: version, mask: bestMask, size: grid.size, modules: best };
  }

  function matrix(text, level) {
    var code = encode(text, level);
    var rows = [];
    for (var r = 0; r < code.size; r++) {
      var row = [];
      for (var c = 0; c < code.size; c++) row.push(code.modules[r][c] === 1);
      rows.push(row);
    }
    return { size: code.size, version: code.version, mask: code.mask, modules: rows };
  }

  // Runs of dark modules, row by row, as [row, first column, length]: an SVG path and a
  // canvas both draw a run as one rectangle, which keeps the SVG small.
  function runs(code) {
    var out = [];
    for (var r = 0; r < code.size; r++) {
      for (var c = 0; c < code.size; c++) {
        if (!code.modules[r][c]) continue;
        var start = c;
        while (c + 1 < code.size && code.modules[r][c + 1]) c++;
        out.push([r, start, c - start + 1]);
      }
    }
    return out;
  }

  function scaleOf(scale) {
    var s = Math.floor(Number(scale) || 10);
    return s < 1 ? 1 : s;
  }

  // The style asked for, each part checked: a colour goes into markup, so only "#rgb" or
  // "#rrggbb" is taken; anything else, like a missing part, is the default.
  function styleOf(style) {
    style = style || {};
    function colour(value, fallback) {
      return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(String(value)) ? String(value) : fallback;
    }
    var quiet = Math.floor(Number(style.quiet));
    return {
      dark: colour(style.dark, "#000"),
      light: colour(style.light, "#fff"),
      quiet: style.quiet === undefined || style.quiet === null || style.quiet === "" ||
        !(quiet >= 0 && quiet <= 40) ? QUIET : quiet
    };
  }

  // Where the logo goes (generator/qr.py's logo_plate): the plate's first module and its
  // side in modules, a share of the code's side rounded up, as odd as the code.
  function plateOf(size, share) {
    var plate = Math.ceil(share * size - 1e-9);
    if ((size - plate) % 2) plate++;
    return [(size - plate) / 2, plate];
  }

  function logoShare(value) {
    var share = Number(value);
    return value !== undefined && value !== null && value !== "" && share >= 0.1 &&
      share <= 0.3 ? share : 0.2;
  }

  // The logo drawn on a canvas of its own: as a data: URL it goes into the SVG download,
  // which must stand alone.
  function logoUrl(picture) {
    var canvas = document.createElement("canvas");
    canvas.width = picture.naturalWidth;
    canvas.height = picture.naturalHeight;
    canvas.getContext("2d").drawImage(picture, 0, 0);
    return canvas.toDataURL("image/png");
  }

  function svgOf(code, scale, style, logo) {
    var st = styleOf(style);
    var q = st.quiet;
    var side = code.size + 2 * q;
    var pixels = side * scaleOf(scale);
    var path = "";
    var all = runs(code);
    for (var i = 0; i < all.length; i++) {
      path += "M" + (all[i][1] + q) + " " + (all[i][0] + q) + "h" + all[i][2] + "v1h-" +
        all[i][2] + "z";
    }
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + pixels + '" height="' + pixels +
      '" viewBox="0 0 ' + side + " " + side + '" shape-rendering="crispEdges">' +
      '<rect width="' + side + '" height="' + side + '" fill="' + st.light + '"/>' +
      '<path fill="' + st.dark + '" d="' + path + '"/>' + (logo ? logoSvg(code, st, logo) : "") +
      "</svg>";
  }

  function logoSvg(code, st, logo) {
    var at = plateOf(code.size, logo.share);
    var x = at[0] + st.quiet;
    return '<rect x="' + x + '" y="' + x + '" width="' + at[1] + '" height="' + at[1] +
      '" fill="' + st.light + '"/><image x="' + (x + 0.5) + '" y="' + (x + 0.5) + '" width="' +
      (at[1] - 1) + '" height="' + (at[1] - 1) + '" href="' + logo.url + '"/>';
  }

  function pngOf(code, scale, style, logo) {
    var st = styleOf(style);
    var s = scaleOf(scale);
    var canvas = document.createElement("canvas");
    canvas.width = canvas.height = (code.size + 2 * st.quiet) * s;
    var g = canvas.getContext("2d");
    g.fillStyle = st.light;
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = st.dark;
    var all = runs(code);
    for (var i = 0; i < all.length; i++) {
      g.fillRect((all[i][1] + st.quiet) * s, (all[i][0] + st.quiet) * s, all[i][2] * s, s);
    }
    if (logo) {
      var at = plateOf(code.size, logo.share);
      var x = (at[0] + st.quiet) * s;
      g.fillStyle = st.light;
      g.fillRect(x, x, at[1] * s, at[1] * s);
      // fitted into the plate half a module from its edge, its aspect kept, centred
      var box = (at[1] - 1) * s;
      var k = Math.min(box / logo.picture.naturalWidth, box / logo.picture.naturalHeight);
      var w = Math.round(logo.picture.naturalWidth * k);
      var h = Math.round(logo.picture.naturalHeight * k);
      var m = Math.floor(s / 2);
      g.drawImage(logo.picture, x + m + Math.floor((box - w) / 2), x + m + Math.floor((box - h) / 2),
        w, h);
    }
    return canvas.toDataURL("image/png");
  }

  // A file name from a link's name: what a file system or a browser would refuse or
  // read as a folder becomes "-" ("team/docs" -> "team-docs").
  function fileName(name, extension) {
    var base = String(name || "qr").replace(/[\u0000-\u001f\u007f\/\\:*?"<>|]+/g, "-");
    return base + "-qr." + extension;
  }

  function show(img, text, options) {
    options = options || {};
    var level = options.level || (options.logo ? "H" : null);
    var code = encode(text, level);
    var style = { dark: options.dark, light: options.light, quiet: options.quiet };
    function draw(logo) {
      img.src = pngOf(code, options.scale, style, logo);
      if (options.pngLink) {
        options.pngLink.href = img.src;
        options.pngLink.setAttribute("download", fileName(options.name, "png"));
      }
      if (options.svgLink) {
        options.svgLink.href = "data:image/svg+xml;charset=utf-8," +
          encodeURIComponent(svgOf(code, options.scale, style, logo));
        options.svgLink.setAttribute("download", fileName(options.name, "svg"));
      }
    }
    if (!options.logo) return draw(null);
    var picture = new Image();
    picture.onload = function () {
      try {
        draw({ picture: picture, url: logoUrl(picture), share: logoShare(options.logoSize) });
      } catch (e) {
        draw(null); // a canvas the image made unreadable (another site's): no logo
      }
    };
    picture.onerror = function () { draw(null); };
    picture.src = options.logo;
  }

  function linkFor(doc, attribute, id) {
    var links = doc.querySelectorAll("a[" + attribute + "]");
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute(attribute) === id) return links[i];
    }
    return null;
  }

  function init(doc) {
    var images = doc.querySelectorAll("img[data-qr]");
    for (var i = 0; i < images.length; i++) {
      var img = images[i];
      var id = img.getAttribute("id");
      try {
        show(img, img.getAttribute("data-qr"), {
          name: img.getAttribute("data-qr-name"),
          level: img.getAttribute("data-qr-level"),
          dark: img.getAttribute("data-qr-dark"),
          light: img.getAttribute("data-qr-light"),
          quiet: img.getAttribute("data-qr-quiet"),
          logo: img.getAttribute("data-qr-logo"),
          logoSize: img.getAttribute("data-qr-logo-size"),
          svgLink: id ? linkFor(doc, "data-qr-svg", id) : null,
          pngLink: id ? linkFor(doc, "data-qr-png", id) : null
        });
      } catch (e) {
        // too long for any QR code: the image keeps its alt text, the others still draw
      }
    }
  }

  if (typeof document !== "undefined" && document.querySelectorAll) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { init(document); });
    } else {
      init(document);
    }
  }

  return {
    version: VERSION,
    matrix: matrix,
    svg: function (text, scale, level, style) { return svgOf(encode(text, level), scale, style); },
    png: function (text, scale, level, style) { return pngOf(encode(text, level), scale, style); },
    show: show,
    init: init
  };
})();
