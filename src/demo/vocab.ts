// Word lists for synthetic people, places and merchants. All names are generic and made up;
// any resemblance to a real person is coincidence, which is why nothing here carries real identifiers.

export const MALE_FIRST = [
  'Robert', 'William', 'James', 'John', 'Michael', 'David', 'Richard', 'Joseph', 'Thomas', 'Charles',
  'Christopher', 'Daniel', 'Matthew', 'Anthony', 'Donald', 'Steven', 'Andrew', 'Joshua', 'Kenneth', 'Kevin',
  'Brian', 'George', 'Edward', 'Ronald', 'Timothy', 'Jason', 'Jeffrey', 'Ryan', 'Jacob', 'Gary',
  'Nicholas', 'Eric', 'Jonathan', 'Stephen', 'Larry', 'Justin', 'Scott', 'Brandon', 'Benjamin', 'Samuel',
  'Gregory', 'Alexander', 'Patrick', 'Frank', 'Raymond', 'Jack', 'Dennis', 'Jerry', 'Tyler', 'Aaron',
  'Henry', 'Adam', 'Douglas', 'Nathan', 'Peter', 'Zachary', 'Kyle', 'Walter', 'Harold', 'Carl',
  'Arthur', 'Gerald', 'Roger', 'Keith', 'Lawrence', 'Terry', 'Sean', 'Christian', 'Albert', 'Joe',
  'Ethan', 'Austin', 'Jesse', 'Willie', 'Billy', 'Bryan', 'Bruce', 'Noah', 'Jordan', 'Dylan',
  'Ralph', 'Roy', 'Alan', 'Wayne', 'Eugene', 'Juan', 'Gabriel', 'Louis', 'Russell', 'Randy',
  'Vincent', 'Philip', 'Logan', 'Bobby', 'Harry', 'Johnny', 'Howard', 'Oliver', 'Liam', 'Owen',
];

export const FEMALE_FIRST = [
  'Mary', 'Patricia', 'Jennifer', 'Linda', 'Elizabeth', 'Barbara', 'Susan', 'Jessica', 'Sarah', 'Karen',
  'Nancy', 'Margaret', 'Lisa', 'Betty', 'Dorothy', 'Sandra', 'Ashley', 'Kimberly', 'Donna', 'Emily',
  'Michelle', 'Carol', 'Amanda', 'Melissa', 'Deborah', 'Stephanie', 'Rebecca', 'Laura', 'Sharon', 'Cynthia',
  'Kathleen', 'Helen', 'Amy', 'Shirley', 'Angela', 'Anna', 'Brenda', 'Pamela', 'Nicole', 'Ruth',
  'Katherine', 'Samantha', 'Christine', 'Emma', 'Catherine', 'Debra', 'Virginia', 'Rachel', 'Carolyn', 'Janet',
  'Maria', 'Heather', 'Diane', 'Julie', 'Joyce', 'Victoria', 'Kelly', 'Christina', 'Joan', 'Evelyn',
  'Lauren', 'Judith', 'Olivia', 'Frances', 'Martha', 'Cheryl', 'Megan', 'Andrea', 'Hannah', 'Jacqueline',
  'Ann', 'Jean', 'Alice', 'Kathryn', 'Gloria', 'Teresa', 'Doris', 'Sara', 'Janice', 'Julia',
  'Marie', 'Madison', 'Grace', 'Judy', 'Theresa', 'Beverly', 'Denise', 'Marilyn', 'Amber', 'Danielle',
  'Abigail', 'Brittany', 'Rose', 'Diana', 'Natalie', 'Sophia', 'Alexis', 'Lori', 'Kayla', 'Jane',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Anderson', 'Taylor',
  'Thomas', 'Moore', 'Martin', 'Jackson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill', 'Green', 'Adams', 'Baker',
  'Nelson', 'Carter', 'Mitchell', 'Roberts', 'Turner', 'Phillips', 'Campbell', 'Parker', 'Evans', 'Edwards',
  'Collins', 'Stewart', 'Morris', 'Murphy', 'Cook', 'Rogers', 'Morgan', 'Cooper', 'Peterson', 'Reed',
  'Bailey', 'Bell', 'Kelly', 'Howard', 'Ward', 'Cox', 'Richardson', 'Wood', 'Watson', 'Brooks',
  'Bennett', 'Gray', 'James', 'Hughes', 'Price', 'Sanders', 'Myers', 'Long', 'Ross', 'Foster',
  'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Fisher', 'Henderson', 'Coleman', 'Simmons', 'Patterson',
  'Jordan', 'Reynolds', 'Hamilton', 'Graham', 'Kim', 'Wallace', 'Woods', 'Cole', 'West', 'Owens',
  'Marshall', 'Harrison', 'Gibson', 'Ellis', 'Tucker', 'Porter', 'Hunter', 'Hicks', 'Crawford', 'Henry',
  'Boyd', 'Mason', 'Kennedy', 'Warren', 'Dixon', 'Burns', 'Gordon', 'Shaw', 'Holmes', 'Rice',
  'Robertson', 'Hunt', 'Black', 'Daniels', 'Palmer', 'Mills', 'Grant', 'Knight', 'Ferguson', 'Stone',
  'Hawkins', 'Dunn', 'Perkins', 'Hudson', 'Spencer', 'Gardner', 'Stephens', 'Payne', 'Pierce', 'Berry',
  'Matthews', 'Arnold', 'Wagner', 'Willis', 'Ray', 'Watkins', 'Olson', 'Carroll', 'Duncan', 'Snyder',
  'Hart', 'Cunningham', 'Bradley', 'Lane', 'Andrews', 'Harper', 'Fox', 'Riley', 'Armstrong', 'Carpenter',
  'Weaver', 'Greene', 'Lawrence', 'Elliott', 'Chavez', 'Sims', 'Austin', 'Peters', 'Kowalski', 'Novak',
  'Lindqvist', 'Okafor', 'Tremblay', 'Gagnon', 'Roy', 'Bouchard', 'Lachance', 'MacDonald', 'Fraser', 'Campbell-Reid',
  "O'Brien", 'McKenzie', 'Nguyen', 'Tran', 'Patel', 'Singh', 'Schultz', 'Becker', 'Hoffmann', 'Fischer',
  'Keller', 'Vogel', 'Hartley', 'Pemberton', 'Ashworth', 'Whitfield', 'Blackwood', 'Thornton', 'Fairweather', 'Holloway',
  'Lockwood', 'Redfern', 'Castillo', 'Moreno', 'Alvarez', 'Romero', 'Delgado', 'Vance', 'Sutherland', 'Kilbride',
];

/** Formal name → common short forms, used for booking-record name variants. */
export const NICKNAMES: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob', 'Bobby'], William: ['Bill', 'Will', 'Billy'], James: ['Jim', 'Jimmy'],
  John: ['Jack', 'Johnny'], Michael: ['Mike', 'Mick'], David: ['Dave'], Richard: ['Rick', 'Dick'],
  Joseph: ['Joe', 'Joey'], Thomas: ['Tom', 'Tommy'], Charles: ['Charlie', 'Chuck'], Christopher: ['Chris'],
  Daniel: ['Dan', 'Danny'], Matthew: ['Matt'], Anthony: ['Tony'], Donald: ['Don'], Steven: ['Steve'],
  Andrew: ['Andy', 'Drew'], Joshua: ['Josh'], Kenneth: ['Ken', 'Kenny'], Edward: ['Ed', 'Eddie', 'Ted'],
  Ronald: ['Ron'], Timothy: ['Tim'], Jeffrey: ['Jeff'], Nicholas: ['Nick'], Jonathan: ['Jon'],
  Stephen: ['Steve'], Lawrence: ['Larry'], Benjamin: ['Ben'], Samuel: ['Sam'], Gregory: ['Greg'],
  Alexander: ['Alex', 'Sandy'], Patrick: ['Pat'], Raymond: ['Ray'], Gerald: ['Gerry'], Douglas: ['Doug'],
  Nathan: ['Nate'], Peter: ['Pete'], Zachary: ['Zach'], Walter: ['Walt'], Harold: ['Harry'],
  Elizabeth: ['Liz', 'Beth', 'Betty'], Patricia: ['Pat', 'Trish'], Jennifer: ['Jen', 'Jenny'],
  Margaret: ['Maggie', 'Peggy'], Katherine: ['Kate', 'Kathy'], Kathleen: ['Kathy'], Susan: ['Sue'],
  Deborah: ['Debbie', 'Deb'], Rebecca: ['Becky'], Samantha: ['Sam'], Christine: ['Chris', 'Chrissy'],
  Catherine: ['Cathy', 'Kate'], Victoria: ['Vicky', 'Tori'], Jacqueline: ['Jackie'], Abigail: ['Abby'],
  Alexandra: ['Alex'], Pamela: ['Pam'], Kimberly: ['Kim'], Stephanie: ['Steph'], Cynthia: ['Cindy'],
};

export const HANDLE_ADJ = [
  'dark', 'quiet', 'blue', 'red', 'silver', 'lucky', 'rapid', 'lazy', 'happy', 'wild', 'cold', 'sunny',
  'iron', 'green', 'golden', 'misty', 'northern', 'shadow', 'crimson', 'little', 'big', 'cosmic', 'salty', 'rusty',
];
export const HANDLE_NOUN = [
  'falcon', 'otter', 'wolf', 'maple', 'river', 'tiger', 'badger', 'comet', 'pixel', 'rider', 'fox', 'raven',
  'turnip', 'gecko', 'walrus', 'panda', 'heron', 'beacon', 'tractor', 'drummer', 'goalie', 'striker', 'chef', 'gardener',
];

export const OPERATION_WORDS = [
  'Bluebell', 'Cedar', 'Harbour', 'Lantern', 'Meadow', 'Pinecone', 'Quarry', 'Saffron', 'Thistle', 'Willow',
  'Juniper', 'Kestrel', 'Marlin', 'Nettle', 'Orchard', 'Pebble', 'Rowan', 'Sparrow', 'Tundra', 'Aspen',
  'Bramble', 'Cobalt', 'Driftwood', 'Ember', 'Fjord', 'Granite', 'Hazel', 'Indigo', 'Jasper', 'Larch',
];
export const CASE_KINDS = [
  'Online luring investigation', 'Image distribution investigation', 'Chat-room referral',
  'Platform referral follow-up', 'P2P network investigation', 'Payment-provider referral',
];

export interface Place { city: string; region: string; postcodes: readonly string[]; streets: readonly string[] }

/** Fictional-enough street names in real cities; postcodes are generic shapes, not addresses. */
export const PLACES: Readonly<Record<string, readonly Place[]>> = {
  CA: [
    { city: 'Toronto', region: 'ON', postcodes: ['M4C 1A1', 'M5V 2T6', 'M6H 3B2'], streets: ['Maple Ave', 'Birch Cres', 'Lakeview Rd'] },
    { city: 'Vancouver', region: 'BC', postcodes: ['V5K 0A1', 'V6B 1H2'], streets: ['Cedar St', 'Harbour Way'] },
    { city: 'Montreal', region: 'QC', postcodes: ['H2X 1Y4', 'H3A 0G4'], streets: ['Rue des Pins', 'Rue Sainte-Rose'] },
    { city: 'Ottawa', region: 'ON', postcodes: ['K1P 1J1', 'K2A 3V5'], streets: ['Elm Grove', 'Riverside Dr'] },
  ],
  US: [
    { city: 'Chicago', region: 'IL', postcodes: ['60601', '60614'], streets: ['Oak Park Ave', 'Elm St'] },
    { city: 'Boston', region: 'MA', postcodes: ['02108', '02116'], streets: ['Beacon Ln', 'Chestnut St'] },
    { city: 'Miami', region: 'FL', postcodes: ['33101', '33130'], streets: ['Palm Dr', 'Coral Way'] },
    { city: 'San Francisco', region: 'CA', postcodes: ['94103', '94110'], streets: ['Hill St', 'Mission Ter'] },
    { city: 'Washington', region: 'DC', postcodes: ['20001', '20009'], streets: ['Garden Pl', 'Park Rd'] },
  ],
  GB: [
    { city: 'Leeds', region: 'West Yorkshire', postcodes: ['LS1 4AP', 'LS6 2QT'], streets: ['Moor Lane', 'Church Walk'] },
    { city: 'Bristol', region: 'Bristol', postcodes: ['BS1 5TR', 'BS8 1QU'], streets: ['Harbour Row', 'Park Street'] },
    { city: 'Manchester', region: 'Greater Manchester', postcodes: ['M1 1AE', 'M14 5RX'], streets: ['Mill Road', 'Canal Side'] },
  ],
  AU: [
    { city: 'Sydney', region: 'NSW', postcodes: ['2000', '2010'], streets: ['Wattle St', 'Harbour Pde'] },
    { city: 'Melbourne', region: 'VIC', postcodes: ['3000', '3056'], streets: ['Gum Tree Rd', 'Collins Ln'] },
    { city: 'Brisbane', region: 'QLD', postcodes: ['4000', '4101'], streets: ['River Tce', 'Jacaranda Ave'] },
  ],
};

export interface Merchant { name: string; mcc: string; country: string }

/** Shared across agencies on purpose: the same merchant in two cases is noise, not a link. */
export const MERCHANTS: readonly Merchant[] = [
  { name: 'Northwind Cloud Storage', mcc: '4816', country: 'US' },
  { name: 'Pixelport Hosting', mcc: '4816', country: 'NL' },
  { name: 'Bluewave Mobile Top-Up', mcc: '4814', country: 'GB' },
  { name: 'Maplegate Games Store', mcc: '5816', country: 'CA' },
  { name: 'Quokka Digital Goods', mcc: '5817', country: 'AU' },
  { name: 'Lighthouse VPN Services', mcc: '4816', country: 'SE' },
  { name: 'Greenleaf Grocers', mcc: '5411', country: 'CA' },
  { name: 'Harbour Coffee Co', mcc: '5814', country: 'AU' },
  { name: 'Redline Fuel', mcc: '5541', country: 'US' },
  { name: 'Kestrel Electronics', mcc: '5732', country: 'GB' },
  { name: 'Starling Gift Cards', mcc: '5947', country: 'US' },
  { name: 'Cobalt Coin Exchange', mcc: '6051', country: 'MT' },
  { name: 'Parcel Post Lockers', mcc: '4215', country: 'GB' },
  { name: 'Tundra Outdoor Gear', mcc: '5941', country: 'CA' },
  { name: 'Saffron Takeaway', mcc: '5812', country: 'GB' },
  { name: 'Orbit Prepaid Cards', mcc: '6540', country: 'US' },
  { name: 'Wombat Web Domains', mcc: '4816', country: 'AU' },
  { name: 'Granite Gym Memberships', mcc: '7997', country: 'US' },
  { name: 'Juniper Streaming', mcc: '4899', country: 'US' },
  { name: 'Fjord Money Transfer', mcc: '4829', country: 'NO' },
];
