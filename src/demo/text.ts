// Benign chat lines about ordinary hobbies, built from templates and slot lists so a million
// messages read varied enough for full-text search and language statistics to be meaningful.
import type { Rng } from './rng.ts';

const SLOTS: Readonly<Record<string, readonly string[]>> = {
  team: ['United', 'the Rovers', 'City', 'the Maple Leafs', 'the Swans', 'Wanderers', 'the Bulls', 'Athletic'],
  dish: ['lasagne', 'banana bread', 'chili', 'pad thai', 'shepherd\'s pie', 'sourdough', 'risotto', 'tacos', 'pancakes', 'curry'],
  plant: ['tomatoes', 'basil', 'courgettes', 'sunflowers', 'strawberries', 'garlic', 'runner beans', 'lavender', 'peppers', 'roses'],
  car: ['the old Civic', 'my Corolla', 'the van', 'the hatchback', 'a 2009 Golf', 'the estate', 'the pickup'],
  part: ['brake pads', 'spark plugs', 'the battery', 'wiper blades', 'the alternator', 'tyres', 'the timing belt'],
  game: ['Minecraft', 'chess', 'Rocket League', 'Stardew Valley', 'Mario Kart', 'Tetris', 'Civilization', 'FIFA', 'Zelda'],
  band: ['the new album', 'that jazz trio', 'the festival lineup', 'some old Motown', 'the orchestra', 'a folk band', 'lo-fi beats'],
  weather: ['raining again', 'so windy', 'finally sunny', 'freezing', 'really humid', 'foggy all morning', 'snowing a bit'],
  day: ['Saturday', 'Sunday', 'Friday night', 'tomorrow', 'next week', 'the weekend', 'Monday'],
  place: ['the park', 'the allotment', 'the garage', 'the market', 'the pitch', 'the library', 'the pub quiz'],
  n: ['2', '3', '4', '5', '10', '12', '20', '45'],
  feel: ['great', 'not bad', 'a bit meh', 'brilliant', 'honestly amazing', 'ok I guess', 'terrible lol'],
};

const TEMPLATES: readonly string[] = [
  // football
  'did anyone watch {team} last night?', '{team} were {feel} in the second half', 'five-a-side at {place} on {day}?',
  'I reckon {team} win by {n}', 'that referee was {feel}', 'who\'s got the spare boots for {day}',
  // cooking
  'made {dish} tonight, turned out {feel}', 'anyone got a good recipe for {dish}?', 'tip: rest the {dish} for {n} minutes',
  'ran out of flour halfway through the {dish}', 'swapped butter for olive oil in the {dish}, {feel}',
  // gardening
  'the {plant} are finally coming up', 'slugs ate half my {plant} again', 'planting {plant} this {day}',
  'how often do you water {plant}?', 'got {n} trays of {plant} on the windowsill', 'swap some {plant} seedlings at {place}?',
  // cars
  '{car} needs new {part}', 'changed {part} on {car} myself, took {n} hours', 'anyone know a decent garage near {place}?',
  'MOT is due on {car} {day}', '{car} finally passed inspection', 'how much did you pay for {part}?',
  // games
  'anyone up for {game} {day}?', 'finally beat level {n} in {game}', '{game} update is {feel}', 'lost {n} games of {game} in a row',
  'stream of {game} later if anyone wants to watch', 'new {game} season starts {day}',
  // music
  'listening to {band} on repeat', 'tickets for {band} went on sale {day}', '{band} was {feel} live',
  'learning guitar, {n} chords down', 'anyone going to the gig at {place}?',
  // weather and small talk
  'it\'s {weather} here', '{weather}, so no gardening today', 'forecast says {weather} for {day}',
  'off to {place}, back in {n} min', 'morning all', 'evening everyone', 'what\'s the plan for {day}?',
];

const SHORT: readonly string[] = [
  'haha', 'same', 'nice one', 'lol true', 'agreed', 'no way', 'sounds good', 'ok', 'brb', 'thanks!', 'good shout',
  'count me in', 'not sure tbh', 'ha, classic', 'fair enough', 'yep', 'nope', '👍', 'see you then', 'cheers',
];

const ACTIONS: readonly string[] = [
  'waves', 'puts the kettle on', 'grabs a coffee', 'checks the weather', 'cheers for {team}', 'waters the {plant}',
  'goes to check on the {dish}', 'tunes the guitar', 'is off to {place}',
];

function fill(template: string, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => rng.pick(SLOTS[key] ?? ['something']));
}

export function chatLine(rng: Rng): string {
  const r = rng.float();
  if (r < 0.22) return rng.pick(SHORT);
  let line = fill(rng.pick(TEMPLATES), rng);
  if (rng.chance(0.15)) line += `${rng.pick(['. ', ', ', ' - ', '! '])}${fill(rng.pick(TEMPLATES), rng)}`;
  if (rng.chance(0.1)) line = line.charAt(0).toUpperCase() + line.slice(1);
  return line;
}

export function actionLine(rng: Rng): string {
  return fill(rng.pick(ACTIONS), rng);
}

/** A second line for multi-line messages (WhatsApp and Telegram keep the newline). */
export function continuation(rng: Rng): string {
  return fill(rng.pick(TEMPLATES), rng);
}

export const TOPIC_ROOMS: readonly { irc: string; group: string; topic: string }[] = [
  { irc: '#gardening', group: 'Weekend Gardeners', topic: 'Spring planting thread' },
  { irc: '#retro-games', group: 'Retro Game Night', topic: 'Tuesday tournaments' },
  { irc: '#sunday-league', group: 'Sunday League', topic: 'Fixtures and lifts' },
  { irc: '#home-cooking', group: 'Recipe Swap', topic: 'Post your best dish' },
  { irc: '#classic-cars', group: 'Garage Talk', topic: 'Parts and repairs' },
  { irc: '#guitar', group: 'Band Practice', topic: 'Setlists and gigs' },
  { irc: '#allotment', group: 'Allotment Crew', topic: 'Watering rota' },
  { irc: '#chess', group: 'Chess Club', topic: 'Puzzles of the week' },
  { irc: '#weather-watch', group: 'Storm Chasers', topic: 'Forecast chat' },
  { irc: '#boardgames', group: 'Board Game Friday', topic: 'Who brings what' },
];
