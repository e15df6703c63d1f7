#!/bin/sh
# Regenerates the speech fixtures and speech.json (the true speech bounds, in ms).
# Needs espeak-ng and sox; the tests need neither.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# say NAME TEXT: the phrase at 16 kHz mono PCM16, espeak's own silence trimmed off (at -50 dBFS).
say() {
  espeak-ng -v en-us -s 170 -w "$tmp/$1-raw.wav" "$2"
  sox -D "$tmp/$1-raw.wav" -r 16000 -c 1 -b 16 "$tmp/$1-16k.wav"
  sox -D "$tmp/$1-16k.wav" "$tmp/$1.wav" silence 1 0.005 -50d reverse silence 1 0.005 -50d reverse
}
# silence NAME SECONDS
silence() { sox -D -n -r 16000 -c 1 -b 16 "$tmp/$1.wav" trim 0 "$2"; }
samples() { soxi -s "$tmp/$1.wav"; }
ms() { echo "$1" | awk '{ printf "%d", $1 / 16 + 0.5 }'; }

say fox "The quick brown fox jumps over the lazy dog"
say hello "Hello there"
say book "I would like to book a table"
say morning "Good morning"
silence s400 0.4; silence s500 0.5; silence s600 0.6; silence s1200 1.2

sox -D "$tmp/s500.wav" "$tmp/fox.wav" "$tmp/s600.wav" speech-one.wav
sox -D "$tmp/s400.wav" "$tmp/hello.wav" "$tmp/s1200.wav" "$tmp/book.wav" "$tmp/s500.wav" speech-two.wav
sox -D "$tmp/s500.wav" "$tmp/morning.wav" "$tmp/s600.wav" "$tmp/left.wav"
sox -D "$tmp/left.wav" "$tmp/right.wav" vol 0
sox -D -M "$tmp/left.wav" "$tmp/right.wav" stereo-left.wav

fox=$(samples fox); hello=$(samples hello); book=$(samples book); morning=$(samples morning)
cat > speech.json <<JSON
{
  "speech-one.wav": [[500, $(ms $((8000 + fox)))]],
  "speech-two.wav": [[400, $(ms $((6400 + hello)))], [$(ms $((6400 + hello + 19200))), $(ms $((6400 + hello + 19200 + book)))]],
  "stereo-left.wav": [[500, $(ms $((8000 + morning)))]]
}
JSON
