// GS1 barcodes on the device, for checking scans offline: the same reading as the
// server's fulfil/domain/gs1.py (element strings and Digital Link URIs, what is
// readable and what is skipped; tests/unit/test_gs1_js.py holds the two together).
(function (root) {
  "use strict";
  var GS = "\x1d";
  var GS_TEXT = "<GS>";
  var GS1_SYMBOLOGIES = ["]C1", "]d2", "]Q3", "]e0"];
  var LINK_SYMBOLOGIES = ["]Q1", "]Q2", "]d1", "]d4"];
  var SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;
  var DIGITS = /^[0-9]+$/;
  var CHARACTER_SETS = {
    N: "0-9",
    X: "!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z",
    Y: "#\\-/0-9A-Z",
    Z: "\\-0-9A-Z_a-z="
  };
  var CSET82 = new RegExp("^[" + CHARACTER_SETS.X + "]+$");
  var HRI_AI = /\(([0-9]{2,4})\)/g;
  var GTIN_LENGTHS = [8, 12, 13, 14];

  // Every AI of the GS1 General Specifications with the format of its data, exactly
  // as fulfil/domain/gs1.py's AI_TABLE (which says how to read it).
  var AI_TABLE = (
    "00 N18  01 N14  02 N14  03 N14  10 X..20  11-13 N6  15-17 N6  20 N2  21-22 X..20 " +
    "235 X..28  240-241 X..30  242 N..6  243 X..20  250-251 X..30  253 N13+[X..17] " +
    "254 X..20  255 N13+[N..12]  30 N..8  37 N..8  3900-3909 N..15  3910-3919 N3+N..15 " +
    "3920-3929 N..15  3930-3939 N3+N..15  3940-3943 N4  3950-3955 N6  400-401 X..30 " +
    "402 N17  403 X..30  410-417 N13  420 X..20  421 N3+X..9  422 N3 " +
    "423 N3+[N3]+[N3]+[N3]+[N3]  424 N3  425 N3+[N3]+[N3]+[N3]+[N3]  426 N3  427 X..3 " +
    "4300-4301 X..35  4302-4306 X..70  4307 X2  4308 X..30  4309 N10+N10 " +
    "4310-4311 X..35  4312-4316 X..70  4317 X2  4318 X..20  4319 X..30  4320 X..35 " +
    "4321-4323 N1  4324-4325 N6+N4  4326 N6  4330-4333 N6+[X1]  7001 N13  7002 X..30 " +
    "7003 N6+N4  7004 N..4  7005 X..12  7006 N6  7007 N6+[N6]  7008 X..3  7009 X..10 " +
    "7010 X..2  7011 N6+[N4]  7020-7022 X..20  7023 X..30  7030-7039 N3+X..27 " +
    "7040 N1+X1+X1+X1  7041 X..4  710-717 X..20  7230-7239 X2+X..28  7240 X..20 " +
    "7241 N2  7242 X..25  7250 N8  7251 N8+N4  7252 N1  7253-7254 X..40  7255 X..10 " +
    "7256 X..90  7257 X..70  7258 X3  7259 X..40  8001 N4+N5+N3+N1+N1  8002 X..20 " +
    "8003 N1+N13+[X..16]  8004 X..30  8005 N6  8006 N14+N4  8007 X..34 " +
    "8008 N6+N2+[N2]+[N2]  8009 X..50  8010 Y..30  8011 N..12  8012 X..20  8013-8014 X..25 " +
    "8017-8018 N18  8019 N..10  8020 X..25  8026 N14+N4  8030 Z..90  8040-8041 N15 " +
    "8042 N32  8043 N18+[N..2]  8110 X..70  8111 N4  8112 X..70  8200 X..70  90 X..30 " +
    "91-99 X..90"
  );
  var MEASURE_FAMILIES = "310-316 320-337 340-357 360-369";
  var LAST_DECIMAL = table({ 31: "5", 32: "5", 33: "5", 34: "5", 35: "5", 36: "5", 394: "3", 395: "5" });
  var PREDEFINED_LENGTH = table({ "00": 20, "01": 16, "02": 16, "03": 16, "04": 18, 20: 4, 41: 16 });
  var prefix;
  for (prefix = 11; prefix < 20; prefix++) PREDEFINED_LENGTH[prefix] = 8;
  for (prefix = 31; prefix < 37; prefix++) PREDEFINED_LENGTH[prefix] = 10;
  var CHECK_DIGIT_AIS = ["00", "01", "02", "03", "410", "411", "412", "413", "414", "415", "416", "417"];
  var DATE_AIS = ["11", "12", "13", "15", "16", "17"];

  var LINK_KEYS = table({
    "01": "22 10 21|235", 8006: "22 10 21", 414: "254|7040", 415: "8020", 417: "7040",
    8004: "7040", 8010: "8011", 8017: "8019", 8018: "8019",
    "00": "", 253: "", 255: "", 401: "", 402: "", 8003: "", 8013: ""
  });
  var LINK_NAMES = table({
    gtin: "01", cpv: "22", lot: "10", ser: "21", sscc: "00", gln: "414", glnx: "254",
    party: "417", refno: "8020", giai: "8004", itip: "8006", cpid: "8010", cpsn: "8011",
    gsrnp: "8017", gsrn: "8018", srin: "8019", gdti: "253", gcn: "255", ginc: "401",
    gsin: "402", grai: "8003", gmn: "8013"
  });
  var NOT_LINK_ATTRIBUTES = "03 21 22 235 254 7040 7041 8011 8014 8019 8020 8040 8041 8042 8043 8200".split(" ");
  var LINK_START = /^(?:https?|HTTPS?):\/\//;
  var URI_CHARACTERS = /^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$/;
  var HOST = /^[A-Za-z0-9.\-:\[\]]+$/;

  // a lookup table that no scanned text can reach Object.prototype through
  function table(entries) {
    var result = Object.create(null);
    Object.keys(entries).forEach(function (key) { result[key] = entries[key]; });
    return result;
  }
  function has(map, key) { return Object.prototype.hasOwnProperty.call(map, key); }

  function pattern(spec) {
    return new RegExp("^" + spec.split("+").map(function (part) {
      var form = /^\[?([NXYZ])(\.\.)?(\d+)\]?$/.exec(part);
      var count = form[2] ? "{1," + form[3] + "}" : "{" + form[3] + "}";
      var source = "[" + CHARACTER_SETS[form[1]] + "]" + count;
      return part[0] === "[" ? "(?:" + source + ")?" : source;
    }).join("") + "$");
  }

  var AI_SPECS = Object.create(null);
  (function () {
    var tokens = AI_TABLE.split(/\s+/).filter(Boolean);
    for (var i = 0; i < tokens.length; i += 2) {
      var range = tokens[i].split("-"), first = range[0], last = range[1] || first;
      for (var number = Number(first); number <= Number(last); number++) {
        AI_SPECS[String(number).padStart(first.length, "0")] = tokens[i + 1];
      }
    }
    MEASURE_FAMILIES.split(" ").forEach(function (family) {
      var range = family.split("-");
      for (var number = Number(range[0]); number <= Number(range[1]); number++) {
        for (var decimals = 0; decimals < 6; decimals++) AI_SPECS[String(number) + decimals] = "N6";
      }
    });
  })();
  var AI_PATTERNS = Object.create(null), AI_LENGTH_BY_PREFIX = Object.create(null);
  Object.keys(AI_SPECS).forEach(function (ai) {
    AI_PATTERNS[ai] = pattern(AI_SPECS[ai]);
    AI_LENGTH_BY_PREFIX[ai.slice(0, 2)] = ai.length;
  });

  function checkDigit(body) {
    var total = 0;
    for (var i = 0; i < body.length; i++) {
      total += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
    }
    return (10 - total % 10) % 10;
  }
  function isKey(number) {
    return DIGITS.test(number) && checkDigit(number.slice(0, -1)) === Number(number.slice(-1));
  }
  function isValidGtin(code) {
    return DIGITS.test(code) && GTIN_LENGTHS.indexOf(code.length) >= 0 && isKey(code);
  }
  // Python's str.strip(): the server strips the group separator's kin too
  function strip(code) { return code.replace(/^[\s\x1c-\x1f\x85]+|[\s\x1c-\x1f\x85]+$/g, ""); }
  function splitSymbology(code) {
    return SYMBOLOGY_ID.test(code) ? [code.slice(0, 3), code.slice(3)] : [null, code];
  }
  // Python's str.partition
  function partition(text, separator) {
    var at = text.indexOf(separator);
    return at < 0 ? [text, "", ""] : [text.slice(0, at), separator, text.slice(at + separator.length)];
  }

  // an AI we do not know that the standard's structure still leaves room for
  function couldExist(ai) {
    if (ai.length < 2 || ai.length > 4 || !DIGITS.test(ai)) return false;
    var prefix = ai.slice(0, 2);
    if (has(AI_LENGTH_BY_PREFIX, prefix) && AI_LENGTH_BY_PREFIX[prefix] !== ai.length) return false;
    var limit = has(LAST_DECIMAL, prefix) ? LAST_DECIMAL[prefix] : LAST_DECIMAL[ai.slice(0, 3)];
    return limit === undefined || ai.slice(-1) <= limit;
  }
  function isAi(ai) { return has(AI_SPECS, ai) || couldExist(ai); }
  function unknownData(value) { return value.length <= 90 && CSET82.test(value); }

  function aiAt(data, position) {
    for (var length = 2; length <= 4; length++) {
      var known = data.substr(position, length);
      if (known.length === length && has(AI_SPECS, known)) return known;
    }
    var prefix = data.substr(position, 2);
    var ai = data.substr(position, has(AI_LENGTH_BY_PREFIX, prefix) ? AI_LENGTH_BY_PREFIX[prefix] : 2);
    return couldExist(ai) ? ai : null;
  }

  function rawElements(data) {
    var elements = [], position = 0;
    while (position < data.length) {
      if (data[position] === GS) { position++; continue; }
      var ai = aiAt(data, position);
      if (ai === null) return null;
      var start = position + ai.length, end, prefix = ai.slice(0, 2);
      if (has(PREDEFINED_LENGTH, prefix)) end = position + PREDEFINED_LENGTH[prefix];
      else { end = data.indexOf(GS, start); if (end === -1) end = data.length; }
      if (has(AI_SPECS, ai)) elements.push([ai, data.slice(start, end)]);
      else if (end > data.length || !unknownData(data.slice(start, end))) return null;
      position = end;
    }
    return elements;
  }

  function hriElements(data) {
    data = data.split(" ").join("").split(GS).join("");
    var elements = [], position = 0;
    while (position < data.length) {
      HRI_AI.lastIndex = position;
      var match = HRI_AI.exec(data);
      if (!match || match.index !== position || !isAi(match[1])) return null;
      var ai = match[1], start = HRI_AI.lastIndex, end, prefix = ai.slice(0, 2);
      if (has(PREDEFINED_LENGTH, prefix)) end = position + PREDEFINED_LENGTH[prefix] + 2;
      else {
        // a variable field runs to the next AI; lots may hold "(" too
        end = data.length;
        HRI_AI.lastIndex = start;
        for (var m = HRI_AI.exec(data); m; m = HRI_AI.exec(data)) {
          if (isAi(m[1])) { end = m.index; break; }
        }
      }
      if (has(AI_SPECS, ai)) elements.push([ai, data.slice(start, end)]);
      else if (end > data.length || !unknownData(data.slice(start, end))) return null;
      position = end;
    }
    return elements;
  }

  // true if `qualifiers` are some of `order`, each once, in its order
  function inOrder(qualifiers, order) {
    var last = -1;
    for (var i = 0; i < qualifiers.length; i++) {
      var at = order.indexOf(qualifiers[i]);
      if (at <= last) return false;
      last = at;
    }
    return true;
  }
  function unescapeUri(value, plusIsSpace) {
    if (plusIsSpace) value = value.split("+").join(" ");
    value = value.replace(/%(?![0-9A-Fa-f]{2})/g, " ");
    return value.replace(/%([0-9A-Fa-f]{2})/g, function (_, hex) {
      var code = parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : " ";
    });
  }
  function fullGtin(value) {
    return DIGITS.test(value) && GTIN_LENGTHS.indexOf(value.length) >= 0 ? value.padStart(14, "0") : value;
  }

  // (AI, value) pairs of a GS1 Digital Link URI, or null if it is not one
  function linkElements(uri) {
    if (!URI_CHARACTERS.test(uri)) return null;
    var rest = uri.slice(LINK_START.exec(uri)[0].length).split("#")[0];
    var parts = partition(rest, "?"), query = parts[2];
    parts = partition(parts[0], "/");
    var host = parts[0], slash = parts[1], segments = parts[2].split("/");
    if (!HOST.test(host) || !slash || segments.indexOf("") >= 0) return null;
    var names = segments.map(function (segment) { return has(LINK_NAMES, segment) ? LINK_NAMES[segment] : segment; });
    var key = null;
    for (var i = names.length - 2; i >= 0; i -= 2) {
      if (has(LINK_KEYS, names[i])) { key = i; break; }
    }
    if (key === null) return null;
    var qualifiers = [], elements = [];
    for (i = key; i < names.length; i += 2) {
      if (i > key) qualifiers.push(names[i]);
      elements.push([names[i], unescapeUri(segments[i + 1], false)]);
    }
    var order = null, sequences = LINK_KEYS[names[key]].split("|");
    for (i = 0; i < sequences.length && order === null; i++) {
      var sequence = sequences[i].split(" ").filter(Boolean);
      if (inOrder(qualifiers, sequence)) order = sequence;
    }
    if (order === null) return null;
    var parameters = query.split("&");
    for (i = 0; i < parameters.length; i++) {
      var parameter = partition(parameters[i], "="), name = parameter[0];
      if (!parameter[1] || !DIGITS.test(name)) continue;  // linkType=..., a flag
      var value = unescapeUri(parameter[2], true);
      if (has(AI_SPECS, name)) {
        if (order.indexOf(name) >= 0 || NOT_LINK_ATTRIBUTES.indexOf(name) >= 0) return null;
        elements.push([name, value]);
      } else if (!couldExist(name) || !value || !unknownData(value)) return null;
    }
    var seen = Object.create(null);
    for (i = 0; i < elements.length; i++) {
      if (seen[elements[i][0]] || !elements[i][1]) return null;
      seen[elements[i][0]] = true;
      if (elements[i][0] === "01") elements[i][1] = fullGtin(elements[i][1]);
    }
    return elements;
  }

  function fullYear(yy, thisYear) {
    var year = thisYear - thisYear % 100 + yy;
    if (year - thisYear > 50) return year - 100;
    if (thisYear - year > 49) return year + 100;
    return year;
  }
  // a GS1 date as "YYYY-MM-DD" (day 00: the month's last day), or null
  function yymmdd(value, today) {
    var year = fullYear(Number(value.slice(0, 2)), today.getFullYear());
    var month = Number(value.slice(2, 4)), day = Number(value.slice(4, 6));
    if (month < 1 || month > 12) return null;
    var lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day > lastDay) return null;
    var pad = function (x) { return (x < 10 ? "0" : "") + x; };
    return String(year).padStart(4, "0") + "-" + pad(month) + "-" + pad(day || lastDay);
  }

  function checkedFields(elements, today) {
    var fields = Object.create(null);
    for (var i = 0; i < elements.length; i++) {
      var ai = elements[i][0], value = elements[i][1];
      if (!AI_PATTERNS[ai].test(value)) return null;
      if (CHECK_DIGIT_AIS.indexOf(ai) >= 0 && !isKey(value)) return null;
      if (DATE_AIS.indexOf(ai) >= 0 && yymmdd(value, today) === null) return null;
      if (ai in fields && fields[ai] !== value) return null;
      fields[ai] = value;
    }
    return fields;
  }

  function startsWithGtin(payload) {
    var gtin = payload.slice(2, 16);
    return payload.slice(0, 2) === "01" && gtin.length === 14 && isKey(gtin);
  }

  // The GS1 data in one scan, or null if it is not GS1 data we can read.
  function parse(code, today) {
    var parts = splitSymbology(strip(code)), symbology = parts[0], payload = parts[1];
    var elements;
    if (LINK_START.test(payload)) {
      if (symbology !== null && LINK_SYMBOLOGIES.indexOf(symbology) < 0) return null;
      elements = linkElements(payload);
    } else if (symbology !== null && GS1_SYMBOLOGIES.indexOf(symbology) < 0) return null;
    else if (payload[0] === "(") elements = hriElements(payload);
    else if (symbology === null && !startsWithGtin(payload)) return null;
    else elements = rawElements(payload.split(GS_TEXT).join(GS));
    today = today || new Date();
    var fields = elements ? checkedFields(elements, today) : null;
    if (!fields || !Object.keys(fields).length) return null;
    var quantity = "30" in fields ? fields["30"] : fields["37"];
    return {
      gtin: fields["01"] || fields["02"] || null,
      lot: "10" in fields ? fields["10"] : null,
      expiry: "17" in fields ? yymmdd(fields["17"], today) : null,
      best_before: "15" in fields ? yymmdd(fields["15"], today) : null,
      serial: "21" in fields ? fields["21"] : null,
      quantity: quantity === undefined ? null : Number(quantity)
    };
  }

  function gtinForms(gtin14) {
    return GTIN_LENGTHS.filter(function (length) {
      return !/[^0]/.test(gtin14.slice(0, 14 - length));
    }).map(function (length) { return gtin14.slice(14 - length); });
  }

  // Every form under which a scanned product code may be stored as a barcode.
  function productCodes(code) {
    var scan = parse(code);
    if (scan && scan.gtin) return gtinForms(scan.gtin);
    var payload = splitSymbology(strip(code))[1];
    if (isValidGtin(payload)) return gtinForms(("00000000000000" + payload).slice(-14));
    return [payload];
  }

  root.FulfilGS1 = { parse: parse, productCodes: productCodes, specs: AI_SPECS };
  if (typeof module !== "undefined") module.exports = root.FulfilGS1;
})(typeof self !== "undefined" ? self : this);
