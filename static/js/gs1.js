// GS1 barcodes on the device, for checking scans offline: the same reading as the
// server's fulfil/domain/gs1.py (tests/unit/test_gs1_js.py holds the two together).
(function (root) {
  "use strict";
  var GS = "\x1d";
  var GS_TEXT = "<GS>";
  var GS1_SYMBOLOGIES = ["]C1", "]d2", "]Q3", "]e0"];
  var SYMBOLOGY_ID = /^\][A-Za-z][0-9A-Za-z]/;
  var DIGITS = /^[0-9]+$/;
  var CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;
  var HRI_AI = /\(([0-9]{2,4})\)/g;
  var GTIN_LENGTHS = [8, 12, 13, 14];

  // AI -> [min length, max length, numeric]
  var AI = {};
  function numeric(ai, length, upTo) { AI[ai] = [length, upTo || length, true]; }
  function alphanumeric(ai, upTo) { AI[ai] = [1, upTo, false]; }
  numeric("00", 18); numeric("01", 14); numeric("02", 14); alphanumeric("10", 20);
  ["11", "12", "13", "15", "16", "17"].forEach(function (ai) { numeric(ai, 6); });
  numeric("20", 2); alphanumeric("21", 20); alphanumeric("22", 20);
  numeric("30", 1, 8); numeric("37", 1, 8);
  ["240", "241", "250", "251", "400", "401", "403"].forEach(function (ai) { alphanumeric(ai, 30); });
  for (var n = 0; n < 8; n++) numeric("41" + n, 13);
  alphanumeric("420", 20);
  [[310, 317], [320, 338], [340, 358], [360, 370]].forEach(function (block) {
    for (var prefix = block[0]; prefix < block[1]; prefix++) {
      for (var decimals = 0; decimals < 10; decimals++) numeric(String(prefix) + decimals, 6);
    }
  });
  var PREDEFINED_LENGTH = "00 01 02 03 04 11 12 13 14 15 16 17 18 19 20 31 32 33 34 35 36 41".split(" ");
  var CHECK_DIGIT_AIS = ["00", "01", "02", "410", "411", "412", "413", "414", "415", "416", "417"];
  var DATE_AIS = ["11", "12", "13", "15", "16", "17"];

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
  function predefined(ai) { return PREDEFINED_LENGTH.indexOf(ai.slice(0, 2)) >= 0; }

  function aiAt(data, position) {
    for (var length = 2; length <= 4; length++) {
      var ai = data.substr(position, length);
      if (ai.length === length && AI[ai]) return ai;
    }
    return null;
  }

  function rawElements(data) {
    var elements = [], position = 0;
    while (position < data.length) {
      if (data[position] === GS) { position++; continue; }
      var ai = aiAt(data, position);
      if (ai === null) return null;
      var start = position + ai.length, end;
      if (predefined(ai)) end = start + AI[ai][1];
      else { end = data.indexOf(GS, start); if (end === -1) end = data.length; }
      elements.push([ai, data.slice(start, end)]);
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
      if (!match || match.index !== position || !AI[match[1]]) return null;
      var ai = match[1], start = HRI_AI.lastIndex, end;
      if (predefined(ai)) end = start + AI[ai][1];
      else {
        // a variable field runs to the next AI we know; lots may hold "(" too
        end = data.length;
        HRI_AI.lastIndex = start;
        for (var m = HRI_AI.exec(data); m; m = HRI_AI.exec(data)) {
          if (AI[m[1]]) { end = m.index; break; }
        }
      }
      elements.push([ai, data.slice(start, end)]);
      position = end;
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
    var fields = {};
    for (var i = 0; i < elements.length; i++) {
      var ai = elements[i][0], value = elements[i][1], form = AI[ai];
      if (value.length < form[0] || value.length > form[1]) return null;
      if (!(form[2] ? DIGITS : CSET82).test(value)) return null;
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

  // The GS1 element strings in one scan, or null if it is not a GS1 code.
  function parse(code, today) {
    var parts = splitSymbology(strip(code)), symbology = parts[0], payload = parts[1];
    if (symbology !== null && GS1_SYMBOLOGIES.indexOf(symbology) < 0) return null;
    var elements;
    if (payload[0] === "(") elements = hriElements(payload);
    else if (symbology === null && !startsWithGtin(payload)) return null;
    else elements = rawElements(payload.split(GS_TEXT).join(GS));
    var fields = elements && elements.length ? checkedFields(elements, today || new Date()) : null;
    if (!fields) return null;
    var quantity = "30" in fields ? fields["30"] : fields["37"];
    return {
      gtin: fields["01"] || fields["02"] || null,
      lot: "10" in fields ? fields["10"] : null,
      expiry: "17" in fields ? yymmdd(fields["17"], today || new Date()) : null,
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

  root.FulfilGS1 = { parse: parse, productCodes: productCodes };
  if (typeof module !== "undefined") module.exports = root.FulfilGS1;
})(typeof self !== "undefined" ? self : this);
